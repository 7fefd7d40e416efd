package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.TestScopes;
import dev.smslogin.code.Verification;
import dev.smslogin.code.VerifyLimits;
import dev.smslogin.code.keycloak.KeycloakSmsCodeStoreFactory;
import dev.smslogin.testing.LocalPorts;
import dev.smslogin.testing.LogCapture;
import dev.smslogin.testing.MapScope;
import dev.smslogin.testing.RedisCluster;
import dev.smslogin.testing.SentinelCluster;
import dev.smslogin.testing.StartingKeycloak;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the Redis code store says at start, on real redis-server processes: one line, a warning when the deployment
 * cannot work as configured (no replica for {@code min-replicas-ack}, a replica as {@code url}, Redis not answering),
 * and what the warning predicts is what a login then meets. Nothing stops the start.
 */
class RedisStartCheckTest {

    private static final SendLimits LIMITS = new SendLimits(60, 100, 100, 100_000, 1_000_000);
    private static final VerifyLimits ATTEMPTS = new VerifyLimits(5, 100, 86_400);

    private final List<RedisSmsCodeStoreFactory> started = new ArrayList<>();

    @AfterEach
    void stopFactories() {
        started.forEach(RedisSmsCodeStoreFactory::close);
    }

    /** What one start of the factory logged, and the factory itself. */
    record Start(RedisSmsCodeStoreFactory factory, List<String> warnings, List<String> infos) {

        /** The one line the start check wrote: the last line of the start (after the configuration's). */
        String finding() {
            return infos.size() > 1 ? infos.get(infos.size() - 1) : warnings.get(warnings.size() - 1);
        }

        /** A send and the check of its right code, as a login does them. */
        Verification sendAndTypeTheRightCode() {
            SmsCodeStore store = factory.create(null);
            CodeScope scope = TestScopes.scope("realm-" + UUID.randomUUID(), "+86139" + String.format("%08d",
                    (long) (Math.random() * 100_000_000)), UUID.randomUUID().toString());
            assertThat(store.reserveSend(scope, "192.0.2.1", LIMITS, "the-hash", Duration.ofMinutes(5)).allowed()).isTrue();
            return store.verify(scope, "the-hash", ATTEMPTS);
        }
    }

    /** Keycloak starting with the Redis code store in use and these {@code --spi-sms-code-store--redis--*} options. */
    Start start(Map<String, String> options) {
        Map<String, String> all = new HashMap<>(Map.of("key-prefix", "start-check-" + UUID.randomUUID() + ":", "timeout-ms", "500"));
        all.putAll(options);
        RedisSmsCodeStoreFactory factory = new RedisSmsCodeStoreFactory();
        started.add(factory);
        try (LogCapture log = LogCapture.of(RedisSmsCodeStoreFactory.class)) {
            factory.init(MapScope.of(all));
            factory.postInit(StartingKeycloak.using(SmsCodeStore.class, factory));
            return new Start(factory, log.warnings(), log.infos());
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("Redis Cluster of three masters without replicas")
    class ClusterWithoutReplicas {

        RedisCluster redis;

        @BeforeAll
        void startCluster() throws Exception {
            redis = new RedisCluster(3, 0);
        }

        @AfterAll
        void stopCluster() throws Exception {
            redis.close();
        }

        @Test
        @DisplayName("min-replicas-ack=1 (the Cluster's default): one warning that every right code will be 'temporarily "
                + "unavailable', and so it is")
        void warned() {
            Start start = start(Map.of("url", redis.url()));
            assertThat(start.warnings()).containsExactly("SMS code store: Redis Cluster: 3 masters with 0 replicas each but "
                    + "min-replicas-ack=1: every right code will be answered 'temporarily unavailable' (no SMS login can "
                    + "finish) until each master has 1 replica. Add replicas, or set min-replicas-ack=0 (a failover can then "
                    + "make a used code work once more).");
            assertThatThrownBy(start::sendAndTypeTheRightCode).isInstanceOf(CodeStoreUnavailableException.class);
        }

        @Test
        @DisplayName("min-replicas-ack=0: no warning, the start line names what it found, and codes log in")
        void notWarnedWithoutAck() {
            Start start = start(Map.of("url", redis.url(), "min-replicas-ack", "0"));
            assertThat(start.warnings()).isEmpty();
            assertThat(start.finding()).isEqualTo("SMS code store: Redis Cluster: 3 masters with 0 replicas each, min-replicas-ack=0");
            assertThat(start.sendAndTypeTheRightCode()).isEqualTo(Verification.VALID);
        }

        @Test
        @DisplayName("not answering at start: a warning, Keycloak starts, and the codes work once the Cluster answers, "
                + "without a restart")
        void downAtStart() throws Exception {
            List<Integer> masters = redis.masters();
            for (int port : masters) {
                redis.pause(port);
            }
            Start start;
            try {
                start = start(Map.of("url", redis.url(), "min-replicas-ack", "0", "timeout-ms", "200"));
                assertThatThrownBy(start::sendAndTypeTheRightCode).isInstanceOf(CodeStoreUnavailableException.class);
            } finally {
                for (int port : masters) {
                    redis.resume(port);
                }
                // paused longer than the node timeout, the nodes may mark each other failing for a moment
                SentinelCluster.await("the Cluster serves every slot again", () -> masters.stream().allMatch(RedisCluster::clusterOk));
            }
            assertThat(start.warnings()).singleElement().asString()
                    .startsWith("SMS code store: Redis at " + redis.url() + " did not answer at start (")
                    .endsWith("): no code can be sent or checked ('temporarily unavailable') until it does. Keycloak starts "
                            + "anyway, and the code store connects at the first request after Redis answers.");
            assertThat(start.sendAndTypeTheRightCode()).isEqualTo(Verification.VALID);
        }
    }

    @Test
    @DisplayName("Redis Cluster of three masters with a replica each: no warning at min-replicas-ack=1; at 2, a warning")
    void clusterWithReplicas() throws Exception {
        try (RedisCluster redis = new RedisCluster(3, 1)) {
            Start start = start(Map.of("url", redis.url()));
            assertThat(start.warnings()).isEmpty();
            assertThat(start.finding()).isEqualTo("SMS code store: Redis Cluster: 3 masters with 1 replica each, min-replicas-ack=1");
            assertThat(start.sendAndTypeTheRightCode()).isEqualTo(Verification.VALID);

            assertThat(start(Map.of("url", redis.url(), "min-replicas-ack", "2")).warnings()).singleElement().asString()
                    .startsWith("SMS code store: Redis Cluster: 3 masters with 1 replica each but min-replicas-ack=2: every "
                            + "right code will be answered 'temporarily unavailable'");
        }
    }

    @Test
    @DisplayName("Sentinel whose master has no replica: a warning at min-replicas-ack=1 (Sentinel's default); the same "
            + "server as standalone redis:// (min-replicas-ack 0 by default): no warning; with a password it refuses: a warning")
    void sentinelWithoutReplicas() throws Exception {
        try (SentinelCluster redis = new SentinelCluster(0)) {
            Start sentinel = start(Map.of("url", redis.url()));
            assertThat(sentinel.warnings()).containsExactly("SMS code store: Redis Sentinel master 'codes' has 0 replicas but "
                    + "min-replicas-ack=1: every right code will be answered 'temporarily unavailable' (no SMS login can "
                    + "finish) until it has 1 replica. Add a replica, or set min-replicas-ack=0 (a failover can then make a "
                    + "used code work once more).");
            assertThatThrownBy(sentinel::sendAndTypeTheRightCode).isInstanceOf(CodeStoreUnavailableException.class);

            String standaloneUrl = "redis://127.0.0.1:" + redis.masterPort + "/0";
            Start standalone = start(Map.of("url", standaloneUrl));
            assertThat(standalone.warnings()).isEmpty();
            assertThat(standalone.finding()).isEqualTo("SMS code store: Redis at " + standaloneUrl + " has 0 replicas, min-replicas-ack=0");
            assertThat(standalone.sendAndTypeTheRightCode()).isEqualTo(Verification.VALID);

            Start wrongPassword = start(Map.of("url", "redis://:s3cret-pw@127.0.0.1:" + redis.masterPort + "/0"));
            assertThat(wrongPassword.warnings()).singleElement().asString()
                    .startsWith("SMS code store: Redis at redis://***@127.0.0.1:" + redis.masterPort + "/0 answered the start "
                            + "check with an error (")
                    .endsWith("): if it answers the code store so too, no code can be sent or checked ('temporarily "
                            + "unavailable'). Check the credentials in 'url' and the Redis user's permissions.")
                    .doesNotContain("s3cret");

            assertThat(start(Map.of("url", standaloneUrl, "min-replicas-ack", "1")).warnings()).containsExactly(
                    "SMS code store: Redis at " + standaloneUrl + " has 0 replicas but min-replicas-ack=1: every right code "
                            + "will be answered 'temporarily unavailable' (no SMS login can finish) until it has 1 replica. "
                            + "Add a replica, or set min-replicas-ack=0 (a failover can then make a used code work once more).");
        }
    }

    @Test
    @DisplayName("Sentinel with a replica: no warning; redis:// at that replica: a warning that it refuses writes, and so it does")
    void sentinelWithAReplica() throws Exception {
        try (SentinelCluster redis = new SentinelCluster(1)) {
            Start sentinel = start(Map.of("url", redis.url()));
            assertThat(sentinel.warnings()).isEmpty();
            assertThat(sentinel.finding()).isEqualTo("SMS code store: Redis Sentinel master 'codes' has 1 replica, min-replicas-ack=1");
            assertThat(sentinel.sendAndTypeTheRightCode()).isEqualTo(Verification.VALID);

            String atReplica = "redis://127.0.0.1:" + redis.replicaPort + "/0";
            Start replica = start(Map.of("url", atReplica));
            assertThat(replica.warnings()).singleElement().asString()
                    .startsWith("SMS code store: Redis at " + atReplica + " is a replica (of 127.0.0.1:")
                    .endsWith("), which refuses writes: every code send will be answered 'temporarily unavailable'. Point "
                            + "'url' at the master, or use redis-sentinel:// to follow it.");
            assertThatThrownBy(replica::sendAndTypeTheRightCode).isInstanceOf(CodeStoreUnavailableException.class);
        }
    }

    @Test
    @DisplayName("nothing listening (standalone, Sentinel, Cluster): a warning each, no failed start, no password in the line")
    void nothingListening() throws Exception {
        int closed = LocalPorts.free();
        Map<String, String> causes = Map.of(
                "redis://:s3cret-pw@127.0.0.1:" + closed + "/0", "Connection refused",
                "redis-sentinel://:s3cret-pw@127.0.0.1:" + closed + "/0?master=codes", "All sentinels down",
                "redis-cluster://:s3cret-pw@127.0.0.1:" + closed, "Failed to connect to 127.0.0.1:" + closed);
        for (Map.Entry<String, String> url : causes.entrySet()) {
            Start start = start(Map.of("url", url.getKey()));
            String redacted = url.getKey().replace(":s3cret-pw@", "***@");
            assertThat(start.warnings()).as(url.getKey()).singleElement().asString()
                    .startsWith("SMS code store: Redis at " + redacted + " did not answer at start (")
                    .contains(url.getValue());
            assertThat(start.warnings()).as("no password").noneMatch(line -> line.contains("s3cret"));
            assertThat(start.infos()).as("no password").noneMatch(line -> line.contains("s3cret"));
        }
    }

    @Test
    @DisplayName("another code store in use: the Redis store says nothing and connects to nothing at start")
    void notInUse() throws Exception {
        RedisSmsCodeStoreFactory factory = new RedisSmsCodeStoreFactory();
        started.add(factory);
        try (LogCapture log = LogCapture.of(RedisSmsCodeStoreFactory.class)) {
            factory.init(MapScope.of(Map.of("url", "redis-cluster://127.0.0.1:" + LocalPorts.free())));
            factory.postInit(StartingKeycloak.using(SmsCodeStore.class, new KeycloakSmsCodeStoreFactory()));
            assertThat(log.lines()).isEmpty();
        }
    }
}
