package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.TestScopes;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.Verification;
import dev.smslogin.code.VerifyLimits;
import dev.smslogin.testing.SentinelCluster;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Redis store on a real Sentinel deployment, through failovers. */
class RedisSentinelFailoverTest {

    private static final VerifyLimits LIMITS = new VerifyLimits(5, 100, 86_400);

    private static CodeScope scope() {
        return TestScopes.scope("realm", "+86139" + String.format("%08d", (long) (Math.random() * 1e8)), UUID.randomUUID().toString());
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

    @Test
    @DisplayName("a used code's WAIT goes over the connection whose script used it, also with many logins at once")
    void waitConfirmsTheWritesOfItsOwnConnection() throws Exception {
        try (SentinelCluster cluster = new SentinelCluster();
             RedisPool jedis = RedisSmsCodeStoreFactory.connect(RedisSettings.from(cluster.url(), "t:", "2000"))) {
            SmsCodeStore store = new RedisSmsCodeStore(new RedisScriptRunner(jedis, 1, 2000), new RedisKeys("t:"));
            int threads = 96;  // more than the pool's 64 connections: a connection given back goes at once to a waiting thread
            int perThread = 8;
            List<CodeScope> scopes = new ArrayList<>();
            for (int i = 0; i < threads * perThread; i++) {
                CodeScope scope = TestScopes.scope("realm-" + i, scope().phoneE164(), UUID.randomUUID().toString());  // a realm each: no IP limit
                send(store, scope, "code-" + i);
                scopes.add(scope);
            }
            store.verify(scope(), "none", LIMITS);  // loads VERIFY_CODE (NOSCRIPT, then EVAL): from here on, EVALSHA only

            List<String[]> commands;
            List<Verification> outcomes = Collections.synchronizedList(new ArrayList<>());
            try (Monitor monitor = new Monitor(cluster.masterPort)) {
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    CyclicBarrier start = new CyclicBarrier(threads);
                    List<Future<?>> done = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int first = t * perThread;
                        done.add(pool.submit(() -> {
                            start.await(10, TimeUnit.SECONDS);
                            for (int i = first; i < first + perThread; i++) {
                                outcomes.add(store.verify(scopes.get(i), "code-" + i, LIMITS));
                            }
                            return null;
                        }));
                    }
                    for (Future<?> thread : done) {
                        thread.get(30, TimeUnit.SECONDS);
                    }
                } finally {
                    pool.shutdownNow();
                }
                commands = monitor.commandsUntilEcho(cluster.masterPort);
            }

            assertThat(outcomes).hasSize(threads * perThread).containsOnly(Verification.VALID);
            // per client connection, in order: E for the script (EVALSHA of VERIFY_CODE), W for WAIT
            Map<String, StringBuilder> byConnection = new TreeMap<>();
            for (String[] command : commands) {
                boolean script = command[1].equalsIgnoreCase("EVALSHA") && RedisScript.VERIFY_CODE.sha1.equals(command[2]);
                if (script || command[1].equalsIgnoreCase("WAIT")) {
                    byConnection.computeIfAbsent(command[0], c -> new StringBuilder()).append(script ? 'E' : 'W');
                }
            }
            List<String> mixed = byConnection.entrySet().stream().filter(c -> !c.getValue().toString().matches("(EW)+"))
                    .map(c -> c.getKey() + "=" + c.getValue()).toList();
            System.out.printf("%d used codes over %d connections; connections where a WAIT did not follow its own script: %d%n",
                    outcomes.size(), byConnection.size(), mixed.size());
            assertThat(byConnection).as("the pool lent several connections at once").hasSizeGreaterThan(1);
            assertThat(byConnection.values().stream().mapToInt(StringBuilder::length).sum()).isEqualTo(2 * threads * perThread);
            assertThat(mixed.size()).as("every used code's WAIT follows its script on that script's connection, not so on "
                    + mixed.stream().limit(3).toList()).isZero();
        }
    }

    /** A MONITOR session on a Redis server: every command its clients send, with the client's address. */
    private static final class Monitor implements AutoCloseable {
        private static final Pattern LINE = Pattern.compile("^\\+\\d+\\.\\d+ \\[\\d+ (\\S+)] \"([^\"]*)\"(?: \"([^\"]*)\")?.*");
        private final Socket socket;
        private final BufferedReader lines;

        Monitor(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            lines = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).isEqualTo("+OK");
        }

        /**
         * The commands seen so far, each as {client address, command, first argument}: read until an ECHO this
         * sends on another connection, which the server logs after everything before it.
         */
        List<String[]> commandsUntilEcho(int port) throws IOException {
            String marker = "end-" + UUID.randomUUID();
            try (Jedis other = new Jedis("127.0.0.1", port)) {
                other.echo(marker);
            }
            List<String[]> commands = new ArrayList<>();
            for (String line = lines.readLine(); line != null && !line.contains(marker); line = lines.readLine()) {
                Matcher m = LINE.matcher(line);
                if (m.matches()) {
                    commands.add(new String[] {m.group(1), m.group(2), m.group(3) == null ? "" : m.group(3)});
                }
            }
            return commands;
        }

        @Override
        public void close() throws IOException {
            socket.close();
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
