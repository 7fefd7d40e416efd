package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.CodeStoreContract;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.Verification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Redis store against the real Redis on this machine (database 15, a prefix of its own per run). */
class RedisSmsCodeStoreTest extends CodeStoreContract {

    static final String URL = System.getProperty("test.redis.url", "redis://127.0.0.1:6379/15");
    private static final String PREFIX = "test-" + UUID.randomUUID() + ":";
    private static RedisPool jedis;
    private static SmsCodeStore store;

    @BeforeAll
    static void connect() {
        jedis = RedisSmsCodeStoreFactory.connect(RedisSettings.from(URL, PREFIX, "2000"));
        store = new RedisSmsCodeStore(new RedisScriptRunner(jedis, 0, 2000), new RedisKeys(PREFIX));
    }

    @AfterAll
    static void cleanUp() {
        keys().forEach(jedis::del);
        jedis.close();
    }

    @Override
    protected SmsCodeStore store() {
        return store;
    }

    @Test
    @DisplayName("Redis holds no phone number and no code, only hashes; every key expires")
    void nothingInClear() {
        CodeScope scope = newScope();
        send(scope, "the-hash");
        Set<String> written = keys().stream().filter(k -> k.contains(scope.realmId())).collect(Collectors.toSet());
        store.verify(scope, "wrong-hash", attempts(5));
        written = keys().stream().filter(k -> k.contains(scope.realmId())).collect(Collectors.toSet());
        assertThat(written).as("client requests, client and realm windows, cooldown, number's window, code, failures").hasSize(7);
        String national = scope.phoneE164().substring(3);
        for (String key : written) {
            assertThat(key).doesNotContain(national);
            assertThat(jedis.pttl(key)).as("TTL of " + key).isPositive();
        }
        assertThat(jedis.hgetAll(PREFIX + "{" + scope.id() + "}:code:" + scope.sessionId())).containsOnlyKeys("h", "a", "r").containsEntry("h", "the-hash");
    }

    @Test
    @DisplayName("a send takes 2 round trips to Redis and a verify 1 (target: at most 4 each)")
    void roundTrips() {
        CodeScope warmUp = newScope();  // the first use of each script loads it (EVALSHA, NOSCRIPT, EVAL) once per server
        send(warmUp, "hash");
        store.verify(warmUp, "wrong", attempts(5));
        CodeScope scope = newScope();
        long before = clientCommands();
        send(scope, "hash");
        long send = clientCommands() - before;
        before = clientCommands();
        assertThat(store.verify(scope, "wrong", attempts(5))).isEqualTo(Verification.WRONG);
        long wrong = clientCommands() - before;
        before = clientCommands();
        assertThat(store.verify(scope, "hash", attempts(5))).isEqualTo(Verification.VALID);
        long right = clientCommands() - before;
        System.out.printf("redis round trips: send %d, wrong code %d, right code %d%n", send, wrong, right);
        assertThat(send).isEqualTo(2);
        assertThat(wrong).isEqualTo(1);
        assertThat(right).isEqualTo(1);
    }

    /** Commands clients sent (a script counts once; the commands it runs inside Redis are not round trips). */
    private static long clientCommands() {
        long total = 0;
        String stats;
        try (redis.clients.jedis.Jedis direct = new redis.clients.jedis.Jedis("127.0.0.1", 6379)) {
            stats = direct.info("commandstats");
        }
        for (String line : stats.split("\r?\n")) {
            // commandstats also counts the commands scripts run inside Redis (an HGET in a script is no round trip),
            // so only what a client alone sends is counted: the scripts themselves and WAIT
            for (String command : List.of("evalsha", "eval", "wait")) {
                if (line.startsWith("cmdstat_" + command + ":calls=")) {
                    total += Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
                }
            }
        }
        return total;
    }

    @Test
    @DisplayName("all keys of one number hash to one Redis Cluster slot")
    void oneSlotPerNumber() {
        CodeScope scope = newScope();
        RedisKeys layout = new RedisKeys(PREFIX);
        Set<Integer> slots = new HashSet<>();
        for (String key : List.of(layout.code(scope), layout.cooldown(scope), layout.phoneSends(scope), layout.failures(scope))) {
            slots.add(JedisClusterCRC16.getSlot(key));
        }
        assertThat(slots).hasSize(1);
        assertThat(JedisClusterCRC16.getSlot(layout.clientSends(scope.realmId(), "10.0.0.1")))
                .isEqualTo(JedisClusterCRC16.getSlot(layout.realmSends(scope.realmId())))
                .isEqualTo(JedisClusterCRC16.getSlot(layout.clientRequests(scope.realmId(), "2001:db8:1:2::/64")));
    }

    @Test
    @DisplayName("a script the server forgot (restart, failover, SCRIPT FLUSH) is loaded again")
    void reloadsFlushedScripts() {
        jedis.scriptFlush();
        CodeScope scope = newScope();
        send(scope, "h");
        assertThat(store.verify(scope, "h", attempts(5))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("an unreachable Redis fails fast with CodeStoreUnavailableException, never a wrong answer")
    void unreachable() {
        try (RedisPool dead = RedisSmsCodeStoreFactory.connect(RedisSettings.from("redis://127.0.0.1:1/0", PREFIX, "300"))) {
            SmsCodeStore broken = new RedisSmsCodeStore(new RedisScriptRunner(dead, 0, 300), new RedisKeys(PREFIX));
            CodeScope scope = newScope();
            long started = System.nanoTime();
            assertThatThrownBy(() -> broken.verify(scope, "h", attempts(5))).isInstanceOf(CodeStoreUnavailableException.class);
            assertThatThrownBy(() -> broken.reserveSend(scope, "10.0.0.1", LIMITS, "h", Duration.ofMinutes(1))).isInstanceOf(CodeStoreUnavailableException.class);
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3000);
        }
    }

    @Test
    void settingsAreCheckedAtStart() {
        assertThatThrownBy(() -> RedisSettings.from("http://x", null, null)).hasMessageContaining("redis://");
        assertThatThrownBy(() -> RedisSettings.from("redis-sentinel://a:26379,b:26380/0", null, null)).hasMessageContaining("?master=");
        assertThatThrownBy(() -> RedisSettings.from("redis://a:1,b:2", null, null)).hasMessageContaining("redis-sentinel://");
        assertThatThrownBy(() -> RedisSettings.from("redis-cluster://a:7000/1", null, null)).hasMessageContaining("database 0");
        RedisSettings sentinel = RedisSettings.from("redis-sentinel://:s3cret@s1:26379,s2/2?master=codes", null, null);
        assertThat(sentinel.mode()).isEqualTo(RedisSettings.Mode.SENTINEL);
        assertThat(sentinel.nodes()).containsExactly(new RedisSettings.Node("s1", 26379), new RedisSettings.Node("s2", 26379));
        assertThat(sentinel.masterName()).isEqualTo("codes");
        assertThat(sentinel.database()).isEqualTo(2);
        assertThat(sentinel.password()).isEqualTo("s3cret");
        assertThat(sentinel.replicasToAck()).isEqualTo(1);
        assertThat(sentinel.redactedUrl()).isEqualTo("redis-sentinel://***@s1:26379,s2/2?master=codes");
        RedisSettings cluster = RedisSettings.from("rediss-cluster://c1:7000,c2:7001", null, null, "1");
        assertThat(cluster.mode()).isEqualTo(RedisSettings.Mode.CLUSTER);
        assertThat(cluster.tls()).isTrue();
        assertThat(cluster.replicasToAck()).isEqualTo(1);
        assertThatThrownBy(() -> RedisSettings.from(null, null, "fast")).hasMessageContaining("timeout-ms");
        assertThat(RedisSettings.from("redis://user:pw@redis.internal:6380/2", null, null).redactedUrl())
                .isEqualTo("redis://***@redis.internal:6380/2");
        assertThat(RedisSettings.from(null, null, null).url()).isEqualTo("redis://127.0.0.1:6379/0");
    }

    private static Set<String> keys() {
        Set<String> keys = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(PREFIX + "*").count(1000));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }
}
