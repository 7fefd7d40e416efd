package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.CodeStoreContract;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.SendDecision;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.TestScopes;
import dev.smslogin.code.Verification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Redis store against the real Redis on this machine (database 15, a prefix of its own per run). */
class RedisSmsCodeStoreTest extends CodeStoreContract {

    /** The buckets a window is cut in, and their width in an hour's window (RedisScript's Lua). */
    private static final int BUCKETS_PER_WINDOW = 60;
    private static final long HOUR_MS = 3_600_000;
    private static final long BUCKET_MS = HOUR_MS / BUCKETS_PER_WINDOW;

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
        List<String> written = List.copyOf(keys());
        for (int from = 0; from < written.size(); from += 1000) {
            jedis.unlink(written.subList(from, Math.min(written.size(), from + 1000)).toArray(String[]::new));
        }
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
        assertThat(written).as("client requests, client, realm and region windows, cooldown, number's window (hour and day), code, "
                + "failures").hasSize(8);
        String national = scope.phoneE164().substring(3);
        for (String key : written) {
            assertThat(key).doesNotContain(national);
            assertThat(jedis.pttl(key)).as("TTL of " + key).isPositive();
        }
        assertThat(jedis.hgetAll(PREFIX + "{" + scope.id() + "}:code:" + scope.sessionId())).containsOnlyKeys("h", "a", "r").containsEntry("h", "the-hash");
    }

    @Test
    @DisplayName("10 000 sends through one realm window: the window's memory does not grow with the sends")
    void realmWindowMemoryIsBounded() throws Exception {
        // the sorted set that the window was before held 1 450 384 bytes after these sends, 145 per send
        SendLimits ceiling = new SendLimits(60, 5, 10, 20, 1_000_000);
        String realmId = "realm-" + UUID.randomUUID();
        AtomicInteger next = new AtomicInteger();
        List<Integer> refused = race(8, () -> {
            int refusals = 0;
            for (int i = next.getAndIncrement(); i < 10_000; i = next.getAndIncrement()) {
                CodeScope scope = TestScopes.scope(realmId, "+86138" + String.format("%08d", i), "session-" + i);
                String client = "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255);
                refusals += store.reserveSend(scope, client, ceiling, "hash", Duration.ofMinutes(1)).allowed() ? 0 : 1;
            }
            return refusals;
        });
        assertThat(refused).as("refusals per thread").containsOnly(0);
        String window = new RedisKeys(PREFIX).realmSends(realmId);
        assertThat(jedis.memoryUsage(window, 0)).as("MEMORY USAGE of the realm's window, bytes").isLessThan(4096L);
        assertThat(jedis.hlen(window)).as("buckets").isLessThanOrEqualTo(BUCKETS_PER_WINDOW + 1);
    }

    @Test
    @DisplayName("a realm window after more than an hour at its ceiling: the buckets of the last hour only, a few KB")
    void fullHourAtTheCeiling() {
        String window = new RedisKeys(PREFIX).realmSends(realm);
        long now = serverMillis();
        List<Long> sends = new ArrayList<>();
        for (int minute = 70; minute >= 1; minute--) {   // the first ten minutes have left the hour
            sends.add(now - minute * BUCKET_MS);
        }
        Map<String, String> buckets = seed(window, sends, 16_000);
        SendLimits ceiling = new SendLimits(60, 5, 10, 20, 1_000_000);
        for (int i = 0; i < 100; i++) {
            assertThat(store.reserveSend(newScope(), "192.0.2." + i, ceiling, "hash", Duration.ofMinutes(1)).allowed()).isTrue();
        }
        Map<String, String> after = jedis.hgetAll(window);
        assertThat(after.keySet()).as("the buckets of the hour and of now").hasSizeBetween(60, BUCKETS_PER_WINDOW + 1)
                .doesNotContainAnyElementsOf(buckets.keySet().stream().sorted().limit(11).toList());
        assertThat(after.values().stream().mapToLong(v -> Long.parseLong(v.split(" ")[0])).sum()).isEqualTo(59 * 16_000 + 100);
        long bytes = jedis.memoryUsage(window, 0);
        System.out.printf("realm window after an hour at the ceiling: %d buckets, %d bytes (%s)%n", after.size(), bytes,
                jedis.objectEncoding(window));
        assertThat(bytes).as("MEMORY USAGE of the realm's window, bytes").isLessThan(4096L);
        assertThat(jedis.pttl(window)).isBetween(3_500_000L, 3_600_000L);
    }

    @Test
    @DisplayName("retry-after of a full window: never shorter than the exact answer, and less than one bucket (1 minute) longer")
    void retryAfterWithinOneBucket() {
        Random random = new Random(7);
        String window = new RedisKeys(PREFIX).realmSends(realm);
        long now = serverMillis();
        List<Long> sends = new ArrayList<>();
        for (int i = 0; i < 600; i++) {   // over the last 70 minutes: some have left the hour, some share a bucket
            sends.add(now - 1000 - (long) (random.nextDouble() * 70 * 60_000));
        }
        seed(window, sends, 1);
        int exactAnswers = 0;
        for (int trial = 0; trial < 30; trial++) {
            long before = serverMillis();
            List<Long> inHour = sends.stream().filter(t -> t > before - HOUR_MS).sorted().toList();
            int limit = trial == 0 ? inHour.size() : 1 + random.nextInt(inHour.size());
            SendDecision refused = store.reserveSend(newScope(), "198.51.100." + trial, new SendLimits(60, 5, 10, 100, limit), "hash",
                    Duration.ofMinutes(1));
            long after = serverMillis();
            assertThat(refused.outcome()).isEqualTo(SendDecision.Outcome.REALM_LIMIT);
            long leaving = inHour.get(inHour.size() - limit);   // the oldest send that must leave for one more to fit
            long answer = refused.retryAfterSeconds() * 1000;
            assertThat(answer).as("limit %d: never shorter than the exact answer", limit).isGreaterThanOrEqualTo(leaving + HOUR_MS - after);
            assertThat(answer).as("limit %d: less than one bucket longer", limit).isLessThan(leaving + HOUR_MS - before + BUCKET_MS + 1000);
            boolean newestOfItsBucket = sends.stream().noneMatch(t -> t / BUCKET_MS == leaving / BUCKET_MS && t > leaving);
            if (newestOfItsBucket) {
                exactAnswers++;
                assertThat(answer).as("limit %d: exact when that send is its bucket's newest", limit)
                        .isLessThan(leaving + HOUR_MS - before + 1000);
            }
        }
        System.out.printf("retry-after: %d of 30 answers exact (the send that must leave being its bucket's newest)%n", exactAnswers);
    }

    @Test
    @DisplayName("a send given back leaves its bucket; an emptied bucket is deleted")
    void giveBackLeavesTheBucket() {
        SendLimits two = new SendLimits(60, 5, 10, 20, 2);
        CodeScope scope = newScope();
        RedisKeys layout = new RedisKeys(PREFIX);
        String realmWindow = layout.realmSends(realm);
        SendDecision first = store.reserveSend(scope, "203.0.113.1", two, "hash", Duration.ofMinutes(1));
        assertThat(first.allowed()).isTrue();
        assertThat(jedis.hlen(realmWindow)).isEqualTo(1);
        assertThat(jedis.hlen(layout.phoneSends(scope))).as("the number's hour and day buckets").isEqualTo(2);
        store.cancelSend(scope, "203.0.113.1", first);
        for (String window : List.of(realmWindow, layout.clientSends(realm, "203.0.113.1"), layout.phoneSends(scope))) {
            assertThat(jedis.exists(window)).as(window).isFalse();
        }
        assertThat(jedis.hlen(layout.clientRequests(realm, "203.0.113.1"))).as("the request stays counted").isEqualTo(1);

        CodeScope other = newScope();
        assertThat(store.reserveSend(other, "203.0.113.2", two, "hash", Duration.ofMinutes(1)).allowed()).isTrue();
        assertThat(store.reserveSend(other, "203.0.113.3", two, "hash", Duration.ofMinutes(1)).outcome()).isEqualTo(SendDecision.Outcome.COOLDOWN);
        assertThat(jedis.hgetAll(realmWindow).values()).as("the refused send was given back").singleElement().asString().startsWith("1 ");
        assertThat(store.reserveSend(newScope(), "203.0.113.4", two, "hash", Duration.ofMinutes(1)).allowed()).isTrue();
        assertThat(store.reserveSend(newScope(), "203.0.113.5", two, "hash", Duration.ofMinutes(1)).outcome())
                .isEqualTo(SendDecision.Outcome.REALM_LIMIT);
    }

    /** Writes a window's buckets as RESERVE_CLIENT would have after {@code times} sends of {@code each} sends each. */
    private static Map<String, String> seed(String window, List<Long> times, int each) {
        Map<Long, long[]> byBucket = new TreeMap<>();
        for (long t : times) {
            long[] bucket = byBucket.computeIfAbsent(t / BUCKET_MS, b -> new long[2]);
            bucket[0] += each;
            bucket[1] = Math.max(bucket[1], t);
        }
        Map<String, String> fields = new TreeMap<>();
        byBucket.forEach((number, bucket) -> fields.put("h" + number, bucket[0] + " " + bucket[1]));
        jedis.hset(window, fields);
        jedis.pexpire(window, HOUR_MS);
        return fields;
    }

    private static long serverMillis() {
        return (Long) jedis.eval("local t = redis.call('TIME') return t[1] * 1000 + math.floor(t[2] / 1000)");
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
        RedisSettings cluster = RedisSettings.from("rediss-cluster://c1:7000,c2:7001", null, null, "2");
        assertThat(cluster.mode()).isEqualTo(RedisSettings.Mode.CLUSTER);
        assertThat(cluster.tls()).isTrue();
        assertThat(cluster.replicasToAck()).isEqualTo(2);
        assertThat(RedisSettings.from("redis-cluster://c1:7000", null, null).replicasToAck())
                .as("a Cluster promotes replicas: a used code's deletion waits for one by default").isEqualTo(1);
        assertThat(RedisSettings.from("redis-cluster://c1:7000", null, null, "0").replicasToAck()).isZero();
        assertThat(RedisSettings.from("redis://r:6379/0", null, null).replicasToAck()).isZero();
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
