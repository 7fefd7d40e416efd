package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

import static dev.smslogin.it.AdminSteps.createClient;
import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.createFlowOfOneStep;
import static dev.smslogin.it.AdminSteps.created;
import static dev.smslogin.it.AdminSteps.flowId;
import static dev.smslogin.it.BenchmarkKit.cpuTicks;
import static dev.smslogin.it.BenchmarkKit.cpuTicksOf;
import static dev.smslogin.it.BenchmarkKit.percentile;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logins per second, latency, CPU and backend work of four logins on one Keycloak running the built jar (real
 * Redis and MariaDB, the fake Aliyun), each through its own client's browser-flow override:
 * the SMS login of a returning number, the SMS sign-up of a new number, Keycloak's username and password login,
 * and a flow holding only Keycloak's Username Form (the ceiling: the flow machinery with no credential work);
 * and the native-app API: codes sent ({@code POST /sms-login/codes} to new numbers), both calls for a returning
 * number (a code, then tokens), and Keycloak's password grant at the same token endpoint.
 *
 * <p>First a shared warm-up: rounds of every scenario in turn for {@code bench.warmup} seconds each, until Keycloak's
 * JIT compiler threads use less than 3% of its CPU in a round (at most {@code bench.warmup-rounds} rounds). The JIT
 * compiler is shared and Keycloak is large: without it, the scenarios measured first pay for compiling the code
 * all of them use (a returning SMS login measured again minutes later cost 30% less). After each round, a pause until
 * the JIT compiler is idle. Then each scenario's own warm-up, and a closed loop of {@code bench.clients} clients for
 * {@code bench.seconds} per scenario (logins/s at saturation, CPU seconds, Redis commands and MySQL statements per
 * login), in {@code bench.slices} slices, the scenarios taking turns, each slice after a short unmeasured loop of its
 * scenario (see {@link #rewarm}). Then per scenario an open arrival run at {@code bench.rate} logins/s (latency
 * percentiles) and the heap after it. Not part of {@code mvn verify}: run it with
 * {@code ./bench.sh}; {@code .ci/run} runs a few-second smoke of it. Prints a table and writes
 * {@code target/benchmark.md}; asserts only that every scenario logs in and no login fails, never a speed.
 */
class LoginBenchmark {

    private static final int SECONDS = Integer.getInteger("bench.seconds", 30);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 10);
    private static final int WARMUP_ROUNDS = Integer.getInteger("bench.warmup-rounds", 12);
    /** Seconds of a scenario's unmeasured closed loop before each of its slices (see {@link #rewarm}). */
    private static final int REWARM = Math.max(1, WARMUP / 5);
    /** The shared warm-up ends when the JIT compiler's share of Keycloak's CPU in a round is below this. */
    private static final double JIT_SHARE_WARM = 0.03;
    /** The benchmark realm's resend cooldown: a returning number waits this long between two logins. */
    private static final int RESEND_COOLDOWN_SECONDS = 1;
    private static final int CLIENTS = Integer.getInteger("bench.clients", 12);
    /**
     * The closed loops run in this many slices per scenario, the scenarios taking turns, so that a machine whose speed
     * drifts during the run (here the ceiling's CPU per login moved by half between runs) slows every scenario alike.
     */
    private static final int SLICES = Integer.getInteger("bench.slices", 4);
    /** A closed loop that keeps Keycloak's CPUs at least this busy measures its capacity (saturation). */
    private static final double SATURATED = 0.95;
    private static final double RATE = Double.parseDouble(System.getProperty("bench.rate", "5"));
    private static final String PASSWORD = BenchmarkKit.PASSWORD;
    /**
     * The returning users of each scenario: the returning SMS login cycles through this many signed-up numbers, the
     * password and ceiling logins through this many users, so that all three find their users in Keycloak's user
     * cache alike (with every number ever signed up in the pool, the SMS login read its users from the database).
     */
    private static final int RETURNING_USERS = Integer.getInteger("bench.users", 200);
    /** When set, a JFR recording of Keycloak's JVM per closed-loop slice, in target/jfr/ (scenario-slice.jfr). */
    private static final boolean JFR = Boolean.getBoolean("bench.jfr");
    /** The recording's settings: a JDK settings name or a .jfc file (for a shorter sampling period, say). */
    private static final String JFR_SETTINGS = System.getProperty("bench.jfr-settings", "profile");

    private KeycloakServer server;
    private Keycloak admin;
    private FakeAliyunSms aliyun;
    private String realm;
    private int warmUpRounds;
    /** Signed-up numbers not in a login right now, longest idle first: no two clients log in one number at once. */
    private final BlockingQueue<IdleNumber> idleNumbers = new LinkedBlockingQueue<>();
    private final AtomicInteger nextPasswordUser = new AtomicInteger();
    /** The same for the native-app API's returning numbers (136...). */
    private final BlockingQueue<IdleNumber> idleApiNumbers = new LinkedBlockingQueue<>();
    private NativeApp api;

    record Scenario(String name, String clientId, Login login) {
    }

    @FunctionalInterface
    interface Login {
        void run(Browser browser) throws Exception;
    }

    record IdleNumber(String national, long sinceNanos) {
    }

    record Result(String name, double loginsPerSecond, double cpuSecondsPerLogin, double jitCpuSecondsPerLogin,
                  double gcCpuSecondsPerLogin, double machineCpuSecondsPerLogin, double redisCommandsPerLogin,
                  double mysqlStatementsPerLogin, double mysqlSelectsPerLogin, double keycloakStatementsPerLogin,
                  double keycloakSelectsPerLogin, long p50, long p95, long p99, int errors,
                  long heapMbAfter) {
    }

    @Test
    void benchmark() throws Exception {
        server = KeycloakServer.get();
        admin = server.adminClient();
        aliyun = server.aliyun();
        realm = createExampleRealm(admin, Map.of("resendCooldownSeconds", String.valueOf(RESEND_COOLDOWN_SECONDS), "maxSendsPerPhonePerHour", "100",
                "maxSendsPerPhonePerDay", "1000", "maxSendsPerIpPerHour", "10000", "maxSendsPerRealmPerHour", "1000000", "oneTap", "true"));
        api = new NativeApp(server, realm);
        setUpClients();
        inParallel(RETURNING_USERS, this::createPasswordUser);
        inParallel(RETURNING_USERS, this::signUpReturningNumber);
        inParallel(RETURNING_USERS, this::signUpReturningApiNumber);

        List<Scenario> scenarios = List.of(
                new Scenario("sms-new-number", "bench-sms", this::smsNewNumber),
                new Scenario("sms-returning", "bench-sms", this::smsReturning),
                new Scenario("password", "bench-password", this::password),
                new Scenario("username-form-only", "bench-username", this::usernameOnly),
                new Scenario("api-code-sent", NativeApp.CLIENT_ID, this::apiCodeSent),
                new Scenario("api-returning", NativeApp.CLIENT_ID, this::apiReturning),
                new Scenario("password-grant", "bench-password-grant", this::passwordGrant),
                new Scenario("api-one-tap", NativeApp.CLIENT_ID, this::apiOneTap));
        warmUp(scenarios);
        Map<Scenario, Saturation> saturation = saturate(scenarios);
        List<Result> results = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            results.add(result(scenario, saturation.get(scenario)));
        }
        String report = report(results);
        System.out.println(report);
        Files.writeString(Path.of("target", "benchmark.md"), report);
        for (Result result : results) {
            assertThat(result.loginsPerSecond()).as(result.name() + " logs in").isPositive();
            assertThat(result.errors()).as(result.name() + ": failed logins").isZero();
        }
    }

    private Browser browser() {
        return BenchmarkKit.personalBrowser(server);
    }

    // ---- the four logins ----

    private void smsNewNumber(Browser browser) {
        smsLogin(browser, newNumber());
    }

    private void smsReturning(Browser browser) throws Exception {
        IdleNumber idle = idleNumbers.poll();
        if (idle == null) {
            throw new IllegalStateException("fewer returning numbers (bench.users) than clients");
        }
        // the realm's resend cooldown would refuse a new code: only in short runs with few numbers
        long cooldownLeftMillis = RESEND_COOLDOWN_SECONDS * 1000L + 100 - (System.nanoTime() - idle.sinceNanos()) / 1_000_000;
        if (cooldownLeftMillis > 0) {
            Thread.sleep(cooldownLeftMillis);
        }
        try {
            smsLogin(browser, idle.national());
        } finally {
            idleNumbers.add(new IdleNumber(idle.national(), System.nanoTime()));
        }
    }

    private void smsLogin(Browser browser, String national) {
        Page phonePage = browser.startLogin(realm, "bench-sms");
        Page codePage = browser.submit(phonePage, Map.of("phone_number", national), null);
        if (!codePage.isCodePage()) {
            throw new IllegalStateException("no code page: " + codePage.text());
        }
        Page done = browser.submit(codePage, Map.of("code", aliyun.lastCodeTo(national)), "login");
        browser.tokens(done);
    }

    private void password(Browser browser) {
        Page loginPage = browser.startLogin(realm, "bench-password");
        String user = nextPasswordUser();
        browser.tokens(browser.submit(loginPage, Map.of("username", user, "password", PASSWORD), "login"));
    }

    private void usernameOnly(Browser browser) {
        Page loginPage = browser.startLogin(realm, "bench-username");
        String user = nextPasswordUser();
        browser.tokens(browser.submit(loginPage, Map.of("username", user), "login"));
    }

    // ---- the native-app API: codes sent, tokens for a returning number, and Keycloak's password grant beside them ----

    /**
     * A number this run has not used: random numbers collide within the resend cooldown at the API's pace (some 15 000
     * sends a minute among 10^8 numbers: about one pair per run, answered {@code slow_down}), counted ones do not.
     */
    private static String newNumber() {
        return "139" + String.format("%08d", Math.floorMod(NEXT_NUMBER.getAndIncrement(), 100_000_000));
    }

    private static final AtomicInteger NEXT_NUMBER = new AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000_000));

    /** One {@code POST /sms-login/codes} to a new number: what a code costs at the API. */
    private void apiCodeSent(Browser browser) {
        apiSend(newNumber());
    }

    /** Both calls for a returning number: a code, then tokens for it. */
    private void apiReturning(Browser browser) throws Exception {
        IdleNumber idle = idleApiNumbers.poll();
        if (idle == null) {
            throw new IllegalStateException("fewer returning numbers (bench.users) than clients");
        }
        long cooldownLeftMillis = RESEND_COOLDOWN_SECONDS * 1000L + 100 - (System.nanoTime() - idle.sinceNanos()) / 1_000_000;
        if (cooldownLeftMillis > 0) {
            Thread.sleep(cooldownLeftMillis);
        }
        try {
            apiLogin(idle.national());
        } finally {
            idleApiNumbers.add(new IdleNumber(idle.national(), System.nanoTime()));
        }
    }

    /**
     * One-tap sign-in of a returning number: the one-click SDK's token (the fake carrier service issues it, as the
     * carrier does on the phone) to the token endpoint; Keycloak asks the carrier service for the number (GetMobile).
     */
    private void apiOneTap(Browser browser) {
        IdleNumber idle = idleApiNumbers.poll();
        if (idle == null) {
            throw new IllegalStateException("fewer returning numbers (bench.users) than clients");
        }
        try {
            NativeApp.Answer tokens = api.post(api.tokenUrl(), NativeApp.form("grant_type", "password", "client_id", NativeApp.CLIENT_ID,
                    "carrier_token", server.pnvs().issue(idle.national())), Map.of("X-Forwarded-For", BenchmarkKit.personalAddress()));
            if (tokens.status() != 200) {
                throw new IllegalStateException("no tokens: " + tokens.json());
            }
        } finally {
            idleApiNumbers.add(new IdleNumber(idle.national(), idle.sinceNanos()));
        }
    }

    private void apiLogin(String national) {
        apiSend(national);
        NativeApp.Answer tokens = api.post(api.tokenUrl(), NativeApp.form("grant_type", "password", "client_id", NativeApp.CLIENT_ID,
                "phone_number", national, "code", aliyun.lastCodeTo(national)), Map.of("X-Forwarded-For", BenchmarkKit.personalAddress()));
        if (tokens.status() != 200) {
            throw new IllegalStateException("no tokens: " + tokens.json());
        }
    }

    private void apiSend(String national) {
        NativeApp.Answer sent = api.post(api.codesUrl(), NativeApp.form("client_id", NativeApp.CLIENT_ID, "phone_number", national),
                Map.of("X-Forwarded-For", BenchmarkKit.personalAddress()));
        if (sent.status() != 200) {
            throw new IllegalStateException("no code sent: " + sent.json());
        }
    }

    /** Keycloak's own direct grant: username and password at the token endpoint. */
    private void passwordGrant(Browser browser) {
        NativeApp.Answer tokens = api.post(api.tokenUrl(), NativeApp.form("grant_type", "password", "client_id", "bench-password-grant",
                "username", nextPasswordUser(), "password", PASSWORD), Map.of("X-Forwarded-For", BenchmarkKit.personalAddress()));
        if (tokens.status() != 200) {
            throw new IllegalStateException("no tokens: " + tokens.json());
        }
    }

    private String nextPasswordUser() {
        return "bench-user-" + Math.floorMod(nextPasswordUser.getAndIncrement(), RETURNING_USERS);
    }

    // ---- measuring ----

    /** Rounds of every scenario until the JIT compiler is nearly idle; prints each round's JIT share. */
    private void warmUp(List<Scenario> scenarios) throws Exception {
        long pid = server.javaPid();
        for (int round = 1; round <= WARMUP_ROUNDS; round++) {
            long cpuBefore = cpuTicks(pid);
            long jitBefore = jitTicks(pid);
            for (Scenario scenario : scenarios) {
                closedLoop(scenario, WARMUP);
            }
            double jitShare = (jitTicks(pid) - jitBefore) / (double) Math.max(1, cpuTicks(pid) - cpuBefore);
            double drained = awaitJitIdle(pid, WARMUP * scenarios.size());
            System.out.printf(Locale.ROOT, "benchmark: warm-up round %d: the JIT compiler used %.1f%% of Keycloak's CPU, then %.1f s to finish its queue%n",
                    round, 100 * jitShare, drained);
            warmUpRounds = round;
            if (round >= 2 && jitShare < JIT_SHARE_WARM) {
                return;
            }
        }
    }

    /**
     * The closed loops: after each scenario's own warm-up, {@link #SLICES} turns of every scenario, each turn a slice
     * of the phase, with Keycloak's CPU, Redis and MySQL counters read around each slice and summed per scenario.
     */
    private Map<Scenario, Saturation> saturate(List<Scenario> scenarios) throws Exception {
        long pid = server.javaPid();
        Map<Scenario, Saturation> totals = new LinkedHashMap<>();
        for (Scenario scenario : scenarios) {
            closedLoop(scenario, WARMUP);
            totals.put(scenario, new Saturation());
        }
        int slices = slices();
        try (TestDatabase.StatementCounters mysqlCounters = new TestDatabase.StatementCounters();
             KeycloakDatabaseCounters keycloakCounters = new KeycloakDatabaseCounters(server.home())) {
            for (int slice = 1; slice <= slices; slice++) {
                int seconds = SECONDS * slice / slices - SECONDS * (slice - 1) / slices;
                for (Scenario scenario : scenarios) {
                    Saturation total = totals.get(scenario);
                    rewarm(pid, scenario);
                    // the counters are read inside the recording: writing it out takes Keycloak's CPU, not a login's
                    jfr(pid, "start", scenario, slice);
                    long cpuBefore = cpuTicks(pid);
                    long jitBefore = jitTicks(pid);
                    long gcBefore = gcTicks(pid);
                    long machineBefore = machineBusyTicks();
                    long redisBefore = redisClientCommands();
                    Map<String, Long> mysqlBefore = mysqlCounters.read();
                    long[] keycloakBefore = keycloakCounters.read();
                    ClosedLoop loop = closedLoop(scenario, seconds);
                    long[] keycloakAfter = keycloakCounters.read();
                    Map<String, Long> mysqlAfter = mysqlCounters.read();
                    total.seconds += loop.seconds();
                    total.completed += loop.completed();
                    total.errors += loop.errors();
                    total.cpuTicks += cpuTicks(pid) - cpuBefore;
                    total.jitTicks += jitTicks(pid) - jitBefore;
                    total.gcTicks += gcTicks(pid) - gcBefore;
                    total.machineTicks += machineBusyTicks() - machineBefore;
                    total.redisCommands += redisClientCommands() - redisBefore;
                    total.mysqlStatements += mysqlAfter.get("Questions") - mysqlBefore.get("Questions");
                    total.mysqlSelects += mysqlAfter.get("Com_select") - mysqlBefore.get("Com_select");
                    total.keycloakStatements += keycloakAfter[0] - keycloakBefore[0];
                    total.keycloakSelects += keycloakAfter[1] - keycloakBefore[1];
                    jfr(pid, "stop", scenario, slice);
                }
            }
        }
        return totals;
    }

    /**
     * Before each slice, a scenario's code is compiled again: the JVM flushes compiled code that went unused for a few
     * GC cycles (Java 17's sweeper, Java 20 and later's cold-code aging), and in the other scenarios' turns the code
     * only this scenario runs is unused. Without it every slice began by compiling that code again, and the scenario
     * with the most code of its own (the SMS login: its pages, the Aliyun SDK, Jedis, the MySQL driver) paid the most:
     * its JIT compiler CPU per login was three times the ceiling's. A short unmeasured closed loop, then a pause until
     * the JIT compiler is idle, as a server whose logins all take this path would be.
     */
    private void rewarm(long pid, Scenario scenario) throws Exception {
        closedLoop(scenario, REWARM);
        awaitJitIdle(pid, WARMUP);
    }

    /** {@link #SLICES}, but slices of at least a second. */
    private static int slices() {
        return Math.max(1, Math.min(SLICES, SECONDS));
    }

    /** A scenario's closed-loop slices, summed. */
    private static final class Saturation {
        double seconds;
        int completed;
        int errors;
        long cpuTicks;
        long jitTicks;
        long gcTicks;
        long machineTicks;
        long redisCommands;
        long mysqlStatements;
        long mysqlSelects;
        long keycloakStatements;
        long keycloakSelects;
    }

    /** Per login figures of the closed loops, then the open-arrival run's latencies (after {@link #rewarm}) and the heap after it. */
    private Result result(Scenario scenario, Saturation saturation) throws Exception {
        double logins = Math.max(1, saturation.completed);
        rewarm(server.javaPid(), scenario);
        List<Long> latencies = openArrivals(scenario, SECONDS);
        Collections.sort(latencies);
        return new Result(scenario.name(), saturation.completed / saturation.seconds, saturation.cpuTicks / 100.0 / logins,
                saturation.jitTicks / 100.0 / logins, saturation.gcTicks / 100.0 / logins, saturation.machineTicks / 100.0 / logins, saturation.redisCommands / logins,
                saturation.mysqlStatements / logins, saturation.mysqlSelects / logins,
                saturation.keycloakStatements / logins, saturation.keycloakSelects / logins,
                percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99), saturation.errors,
                heapMbAfterGc(server.javaPid()));
    }

    record ClosedLoop(int completed, int errors, double seconds) {
    }

    /**
     * {@code CLIENTS} clients log in one after the other for {@code seconds}; the logins under way then finish and
     * count, in the loop's time as in its CPU time (leaving them out had a slow login's scenario pay CPU for logins
     * it did not count: the password login showed 112% of a CPU busy).
     */
    private ClosedLoop closedLoop(Scenario scenario, int seconds) throws InterruptedException {
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            pool.submit(() -> {
                while (running.get()) {
                    try {
                        scenario.login().run(browser());
                        completed.incrementAndGet();
                    } catch (Exception | AssertionError e) {
                        if (errors.incrementAndGet() == 1) {
                            System.out.println("benchmark: " + scenario.name() + " failed a login: " + e);
                        }
                    }
                }
            });
        }
        Thread.sleep(seconds * 1000L);
        running.set(false);
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        return new ClosedLoop(completed.get(), errors.get(), (System.nanoTime() - start) / 1e9);
    }

    /** Logins start at a fixed rate whatever the earlier ones do (an open arrival model); returns latencies in ms. */
    private List<Long> openArrivals(Scenario scenario, int seconds) throws InterruptedException {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        ExecutorService workers = Executors.newCachedThreadPool();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long periodMicros = (long) (1_000_000 / RATE);
        AtomicLong started = new AtomicLong();
        clock.scheduleAtFixedRate(() -> {
            started.incrementAndGet();
            workers.submit(() -> {
                long begin = System.nanoTime();
                try {
                    scenario.login().run(browser());
                    latencies.add((System.nanoTime() - begin) / 1_000_000);
                } catch (Exception | AssertionError e) {
                    // counted in the closed loop's errors; a failed login has no latency
                }
            });
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
        Thread.sleep(seconds * 1000L);
        clock.shutdownNow();
        workers.shutdown();
        workers.awaitTermination(60, TimeUnit.SECONDS);
        return new ArrayList<>(latencies);
    }

    private static void jfr(long pid, String action, Scenario scenario, int slice) throws IOException, InterruptedException {
        if (!JFR) {
            return;
        }
        Path file = Path.of("target", "jfr", scenario.name() + "-" + slice + ".jfr").toAbsolutePath();
        Files.createDirectories(file.getParent());
        List<String> arguments = new ArrayList<>(List.of("JFR." + action, "name=" + scenario.name()));
        arguments.add(action.equals("start") ? "settings=" + JFR_SETTINGS : "filename=" + file);
        jcmd(pid, arguments);
    }

    /** Keycloak's used heap right after a full GC: what the logins left behind (sessions, caches). */
    private static long heapMbAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, List.of("GC.run"));
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(jcmd(pid, List.of("GC.heap_info")));
        return used.find() ? Long.parseLong(used.group(1)) / 1024 : -1;
    }

    private static String jcmd(long pid, List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid)));
        command.addAll(arguments);
        Process jcmd = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes());
        if (jcmd.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + arguments + " failed: " + output);
        }
        return output;
    }

    /** CPU time of Keycloak's JIT compiler threads: high while the JVM is still warming up. */
    private static long jitTicks(long pid) throws IOException {
        return threadTicks(pid, name -> name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler"));
    }

    /** CPU time of Keycloak's garbage collector threads (G1's pause workers and its concurrent threads). */
    private static long gcTicks(long pid) throws IOException {
        return threadTicks(pid, name -> name.startsWith("GC Thread") || name.startsWith("G1 "));
    }

    /** CPU time of the Keycloak threads whose name {@code named} accepts, in clock ticks. */
    private static long threadTicks(long pid, Predicate<String> named) throws IOException {
        long ticks = 0;
        try (var threads = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path thread : threads.toList()) {
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    if (named.test(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) {
                        ticks += cpuTicksOf(stat);
                    }
                } catch (IOException | RuntimeException ended) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return ticks;
    }

    /**
     * Waits, without load, until the JIT compiler threads have used no CPU for a second (at most {@code maxSeconds});
     * returns the seconds waited: the compilations the last load queued end before anything is measured.
     */
    private static double awaitJitIdle(long pid, int maxSeconds) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(maxSeconds).toNanos();
        long last = jitTicks(pid);
        long idleSince = start;
        while (System.nanoTime() < deadline && System.nanoTime() - idleSince < 1_000_000_000L) {
            Thread.sleep(200);
            long now = jitTicks(pid);
            if (now != last) {
                last = now;
                idleSince = System.nanoTime();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** CPU time of the whole machine (every process: Keycloak, the load driver, Redis, MariaDB), clock ticks. */
    private static long machineBusyTicks() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < fields.length && i <= 8; i++) {
            if (i != 4 && i != 5) {     // all but idle and iowait
                busy += Long.parseLong(fields[i]);
            }
        }
        return busy;
    }

    /** Commands Keycloak sends to Redis (scripts count once; the commands inside them are not round trips). */
    private static long redisClientCommands() {
        try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
            long total = 0;
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                // commandstats also counts commands run inside scripts; only scripts and WAIT are round trips here
                for (String command : List.of("evalsha", "eval", "wait")) {
                    if (line.startsWith("cmdstat_" + command + ":calls=")) {
                        total += Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
                    }
                }
            }
            return total;
        }
    }

    // ---- setup ----

    private void createPasswordUser(int i) {
        BenchmarkKit.createPasswordUser(admin, realm, "bench-user-" + i);
    }

    /** The returning numbers (137...) are apart from the new numbers of sms-new-number (139..., random). */
    private void signUpReturningNumber(int i) {
        String national = String.format(Locale.ROOT, "137%08d", i);
        smsLogin(browser(), national);
        idleNumbers.add(new IdleNumber(national, System.nanoTime()));
    }

    /** The API's returning numbers (136...), signed up through the API. */
    private void signUpReturningApiNumber(int i) {
        String national = String.format(Locale.ROOT, "136%08d", i);
        apiLogin(national);
        idleApiNumbers.add(new IdleNumber(national, System.nanoTime()));
    }

    /** Runs {@code task} for 0..count-1 on as many threads as the benchmark has clients. */
    private static void inParallel(int count, IntConsumer task) throws Exception {
        BenchmarkKit.inParallel(CLIENTS, count, task);
    }

    private void setUpClients() {
        createFlowOfOneStep(admin.realm(realm), "username only", "auth-username-form");
        createClient(admin.realm(realm), "bench-sms", "sms browser");
        createClient(admin.realm(realm), "bench-password", "browser");
        createClient(admin.realm(realm), "bench-username", "username only");
        // Keycloak's built-in direct-grant flow: username and password (the example realm's own is the SMS one)
        ClientRepresentation passwordGrant = PasswordResetIT.tokenClient("bench-password-grant");
        passwordGrant.setAuthenticationFlowBindingOverrides(Map.of("direct_grant", flowId(admin.realm(realm), "direct grant")));
        created(admin.realm(realm).clients().create(passwordGrant));
    }

    private String report(List<Result> results) {
        StringBuilder out = new StringBuilder();
        String keycloakCpus = System.getProperty("keycloak.cpus", "");
        String cpus = keycloakCpus.isBlank() ? "Keycloak, the load driver, Redis and MariaDB share the machine's CPUs"
                : "Keycloak on CPU " + keycloakCpus + ", the load driver, Redis and MariaDB on the others";
        out.append(String.format(Locale.ROOT, "%nBenchmark: shared warm-up of %d round(s) of %d s per scenario, then per scenario %d s warm-up, "
                        + "%d s of closed loop with %d clients (in %d slices, the scenarios taking turns, each slice and the open arrivals after %d s "
                        + "of its scenario unmeasured and a pause until the JIT compiler is idle) and %d s of open arrivals at %.1f logins/s; %s%n%n",
                warmUpRounds, WARMUP, WARMUP, SECONDS, CLIENTS, slices(), REWARM, SECONDS, RATE, cpus));
        out.append("| scenario | logins/s (saturation) | Keycloak's CPUs busy | p50 ms | p95 ms | p99 ms | CPU s/login | of which JIT compiler | of which GC | machine CPU s/login | Redis round trips/login | MySQL stmts/login | MySQL SELECTs/login | Keycloak DB stmts/login | Keycloak DB SELECTs/login | heap MB after (post-GC) | failed |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        int keycloakCpuCount = BenchmarkKit.keycloakCpuCount();
        List<String> unsaturated = new ArrayList<>();
        for (Result r : results) {
            double busy = r.loginsPerSecond() * r.cpuSecondsPerLogin() / keycloakCpuCount;
            if (busy < SATURATED) {
                unsaturated.add(String.format(Locale.ROOT, "%s (%.0f%%)", r.name(), 100 * busy));
            }
            out.append(String.format(Locale.ROOT, "| %s | %.1f | %.0f%% | %d | %d | %d | %.4f | %.4f | %.4f | %.4f | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d |%n", r.name(),
                    r.loginsPerSecond(), 100 * busy,
                    r.p50(), r.p95(), r.p99(), r.cpuSecondsPerLogin(), r.jitCpuSecondsPerLogin(), r.gcCpuSecondsPerLogin(),
                    r.machineCpuSecondsPerLogin(), r.redisCommandsPerLogin(),
                    r.mysqlStatementsPerLogin(), r.mysqlSelectsPerLogin(), r.keycloakStatementsPerLogin(), r.keycloakSelectsPerLogin(),
                    r.heapMbAfter(), r.errors()));
        }
        Result returning = results.get(1);
        Result password = results.get(2);
        Result ceiling = results.get(3);
        out.append(String.format(Locale.ROOT, "%nsms-returning / password: %.2fx (target >= 1.5x); sms-returning / username-form-only: %.2fx (target >= 0.8x)%n",
                returning.loginsPerSecond() / password.loginsPerSecond(), returning.loginsPerSecond() / ceiling.loginsPerSecond()));
        Result apiReturning = results.get(5);
        Result passwordGrant = results.get(6);
        Result oneTap = results.get(7);
        out.append(String.format(Locale.ROOT, "native-app API: %.1f codes sent/s; api-returning (code + tokens) / password-grant: %.2fx; "
                        + "api-one-tap (one token call) / api-returning: %.2fx, / password-grant: %.2fx%n",
                results.get(4).loginsPerSecond(), apiReturning.loginsPerSecond() / passwordGrant.loginsPerSecond(),
                oneTap.loginsPerSecond() / apiReturning.loginsPerSecond(), oneTap.loginsPerSecond() / passwordGrant.loginsPerSecond()));
        if (!unsaturated.isEmpty()) {
            out.append(String.format(Locale.ROOT, "Not saturated (Keycloak's CPUs less than %.0f%% busy): %s; their logins/s are %d clients' pace, "
                    + "not Keycloak's capacity: run with more clients%n", 100 * SATURATED, String.join(", ", unsaturated), CLIENTS));
        }
        return out.toString();
    }

    /**
     * Statements Keycloak ran against its own database: the dev file store (H2) of {@code start-dev}, which
     * {@code bench.sh} opens with {@code QUERY_STATISTICS} and {@code AUTO_SERVER} ({@code --db-url-properties}), so
     * this JVM reads H2's per-statement execution counts from Keycloak's running database. Its own reads are left out.
     */
    static final class KeycloakDatabaseCounters implements AutoCloseable {

        private static final String COUNTS = "SELECT COALESCE(SUM(EXECUTION_COUNT), 0), "
                + "COALESCE(SUM(CASE WHEN UPPER(TRIM(SQL_STATEMENT)) LIKE 'SELECT%' THEN EXECUTION_COUNT ELSE 0 END), 0) "
                + "FROM INFORMATION_SCHEMA.QUERY_STATISTICS WHERE SQL_STATEMENT NOT LIKE '%QUERY_STATISTICS%'";

        private final java.sql.Connection connection;

        KeycloakDatabaseCounters(Path keycloakHome) {
            try {
                connection = java.sql.DriverManager.getConnection("jdbc:h2:file:" + keycloakHome.toAbsolutePath().resolve("data/h2/keycloakdb")
                        + ";AUTO_SERVER=TRUE;IFEXISTS=TRUE", "sa", "bench");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("Keycloak's database (H2, dev file store) cannot be opened to count its statements", e);
            }
        }

        /** Statements and SELECTs so far. */
        long[] read() {
            try (java.sql.Statement statement = connection.createStatement(); java.sql.ResultSet rows = statement.executeQuery(COUNTS)) {
                rows.next();
                return new long[] {rows.getLong(1), rows.getLong(2)};
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws java.sql.SQLException {
            connection.close();
        }
    }
}
