package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.Verification;
import dev.smslogin.code.VerifyLimits;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The Redis store on a real Sentinel deployment, through failovers. */
class RedisSentinelFailoverTest {

    private static final VerifyLimits LIMITS = new VerifyLimits(5, 100, 86_400);

    private static CodeScope scope() {
        return new CodeScope("realm", "+86139" + String.format("%08d", (long) (Math.random() * 1e8)), UUID.randomUUID().toString());
    }

    @Test
    @DisplayName("a planned failover: a code saved before it works after it, once; sending goes on on the new master")
    void plannedFailover() throws Exception {
        try (SentinelCluster cluster = new SentinelCluster();
             RedisPool jedis = RedisSmsCodeStoreFactory.connect(RedisSettings.from(cluster.url(), "t:", "1000"))) {
            SmsCodeStore store = new RedisSmsCodeStore(new RedisScriptRunner(jedis, 1, 1000), new RedisKeys("t:"));
            CodeScope before = scope();
            send(store, before, "before");

            cluster.failover();
            cluster.awaitReplicas(1);  // the old master rejoined as a replica: used codes are replicated again

            assertThat(store.verify(before, "before", LIMITS)).isEqualTo(Verification.VALID);
            CodeScope after = scope();
            send(store, after, "after");
            assertThat(store.verify(after, "after", LIMITS)).isEqualTo(Verification.VALID);
        }
    }

    @Test
    @DisplayName("the master dies before its replica got a code's deletion: the code is still used at most once")
    void failoverCannotResurrectAUsedCode() throws Exception {
        try (SentinelCluster cluster = new SentinelCluster();
             RedisPool jedis = RedisSmsCodeStoreFactory.connect(RedisSettings.from(cluster.url(), "t:", "1000"))) {
            SmsCodeStore store = new RedisSmsCodeStore(new RedisScriptRunner(jedis, 1, 1000), new RedisKeys("t:"));
            CodeScope scope = scope();
            send(store, scope, "right");
            SentinelCluster.await("code replicated", () -> cluster.dbSize(cluster.replicaPort) == cluster.dbSize(cluster.masterPort));

            cluster.replicationLink.cut();  // the replica stops receiving the master's writes
            List<Object> outcomes = new ArrayList<>();
            outcomes.add(outcome(() -> store.verify(scope, "right", LIMITS)));
            cluster.killMaster();  // the promoted replica never saw the deletion: it still holds the code
            cluster.addReplicaOfCurrentMaster();
            for (int i = 0; i < 3; i++) {
                outcomes.add(awaitAnswer(() -> store.verify(scope, "right", LIMITS)));
            }

            System.out.println("verifications of one code across a lossy failover: " + outcomes);
            assertThat(outcomes.get(0)).as("the deletion reached no replica: fail closed, no login").isEqualTo("unavailable");
            assertThat(outcomes).filteredOn(o -> o == Verification.VALID).as("the code logs in at most once").hasSizeLessThanOrEqualTo(1);

            CodeScope next = scope();
            send(store, next, "next");
            assertThat(store.verify(next, "next", LIMITS)).as("logins go on after the failover").isEqualTo(Verification.VALID);
        }
    }

    private static void send(SmsCodeStore store, CodeScope scope, String hash) {
        assertThat(store.reserveSend(scope, "10.0.0.1", new SendLimits(60, 5, 10, 20, 1000), hash, Duration.ofMinutes(5)).allowed())
                .as("send of " + hash).isTrue();
    }

    private static Object outcome(java.util.function.Supplier<Verification> verify) {
        try {
            return verify.get();
        } catch (CodeStoreUnavailableException e) {
            return "unavailable";
        }
    }

    /** During a failover the store answers "unavailable" for a moment; the answer after that is what counts. */
    private static Verification awaitAnswer(java.util.function.Supplier<Verification> verify) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return verify.get();
            } catch (CodeStoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
