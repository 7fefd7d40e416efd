package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeAliyunSms.Misbehaviour;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.smslogin.it.AdminSteps.createClient;
import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.BenchmarkKit.cpuTicks;
import static dev.smslogin.it.BenchmarkKit.percentile;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Does a slow SMS provider take the rest of Keycloak down? One Keycloak running the built jar (real Redis and
 * MariaDB, the fake Aliyun, whose answers can be delayed): a crowd asks for codes at a fixed rate
 * ({@code bench.crowd-rate}/s, each person a new number at an address of their own), and beside it password users
 * of the same realm log in at a fixed rate ({@code bench.password-rate}/s), for {@code bench.seconds} per phase:
 * a control phase with Aliyun answering at once, one with Aliyun answering in 200 ms and one in 4.5 s (inside the
 * sender's default 5 s read timeout, which bench.sh sets), in {@code bench.slices} slices, the phases taking turns. Reports per phase what the crowd was told (sent, busy,
 * unconfirmed, other), the password logins' latency percentiles and failures, Keycloak's CPU and the most SendSms
 * calls Aliyun saw at once. Then the codes sent per second by a closed loop of {@code bench.clients} people with
 * Aliyun at 200 ms, next to the same loop with Aliyun answering at once (the CPU-bound ceiling).
 *
 * <p>Not part of {@code mvn verify}: run it with {@code ./bench.sh isolation}; {@code .ci/run} runs a few-second smoke
 * of it. Prints a table and writes {@code target/isolation-benchmark.md}; asserts only that every phase sends codes and
 * that no password login fails, never a speed. See docs/benchmarks.md.
 */
class IsolationBenchmark {

    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 10);
    private static final double CROWD_RATE = Double.parseDouble(System.getProperty("bench.crowd-rate", "15"));
    private static final double PASSWORD_RATE = Double.parseDouble(System.getProperty("bench.password-rate", "2"));
    private static final int CLIENTS = Integer.getInteger("bench.clients", 32);
    /** Each phase runs in this many slices, the phases taking turns. */
    private static final int SLICES = Math.max(1, Math.min(Integer.getInteger("bench.slices", 3), SECONDS));
    private static final int PASSWORD_USERS = 100;
    private static final Duration PROMPT = Duration.ZERO;
    private static final Duration MODERATE = Duration.ofMillis(200);
    private static final Duration SLOW = Duration.ofMillis(4500);

    private KeycloakServer server;
    private Keycloak admin;
    private FakeAliyunSms aliyun;
    private String realm;
    private final AtomicInteger nextPasswordUser = new AtomicInteger();

    /** What a person asking for a code was told. */
    enum CodeAnswer { SENT, BUSY, UNCONFIRMED, OTHER }

    /** One request of an open-arrival run: its answer (null when it failed) and how long it took. */
    record Timed<T>(T answer, long millis) {
    }

    record PhaseResult(Duration providerLatency, List<Timed<CodeAnswer>> codeRequests, List<Timed<Boolean>> passwordLogins,
                       double keycloakCpuSeconds, double seconds, int mostSendsAtAliyun) {

        /** This phase's slices and {@code other}'s, together. */
        PhaseResult plus(PhaseResult other) {
            List<Timed<CodeAnswer>> codes = new ArrayList<>(codeRequests);
            codes.addAll(other.codeRequests);
            List<Timed<Boolean>> passwords = new ArrayList<>(passwordLogins);
            passwords.addAll(other.passwordLogins);
            return new PhaseResult(providerLatency, codes, passwords, keycloakCpuSeconds + other.keycloakCpuSeconds,
                    seconds + other.seconds, Math.max(mostSendsAtAliyun, other.mostSendsAtAliyun));
        }

        double keycloakCpusBusy() {
            return keycloakCpuSeconds / seconds / BenchmarkKit.keycloakCpuCount();
        }

        long count(CodeAnswer answer) {
            return codeRequests.stream().filter(t -> t.answer() == answer).count();
        }

        List<Long> sortedMillis(List<? extends Timed<?>> requests) {
            List<Long> millis = new ArrayList<>();
            requests.stream().filter(t -> t.answer() != null).forEach(t -> millis.add(t.millis()));
            Collections.sort(millis);
            return millis;
        }

        long passwordP(int p) {
            return percentile(sortedMillis(passwordLogins), p);
        }

        long codeP(int p) {
            return percentile(sortedMillis(codeRequests), p);
        }

        long failedPasswordLogins() {
            return passwordLogins.stream().filter(t -> t.answer() == null).count();
        }
    }

    record Throughput(Duration providerLatency, double sentPerSecond, double busyPerSecond, double otherPerSecond, double keycloakCpusBusy) {
    }

    @Test
    void benchmark() throws Exception {
        server = KeycloakServer.get();
        admin = server.adminClient();
        aliyun = server.aliyun();
        realm = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "10000", "maxSendsPerRealmPerHour", "1000000"));
        createClient(admin.realm(realm), "bench-sms", "sms browser");
        createClient(admin.realm(realm), "bench-password", "browser");
        BenchmarkKit.inParallel(CLIENTS, PASSWORD_USERS, i -> BenchmarkKit.createPasswordUser(admin, realm, "bench-user-" + i));

        // unmeasured: two rounds of the three phases, for the JIT compiler's first work on every path
        for (int round = 0; round < 2; round++) {
            for (Duration latency : List.of(PROMPT, MODERATE, SLOW)) {
                phase(latency, Math.max(1, WARMUP / 3));
            }
        }

        // the phases take turns in slices, so that a machine whose speed drifts during the run slows each alike
        Map<Duration, PhaseResult> byLatency = new LinkedHashMap<>();
        for (int slice = 1; slice <= SLICES; slice++) {
            int seconds = SECONDS * slice / SLICES - SECONDS * (slice - 1) / SLICES;
            for (Duration latency : List.of(PROMPT, MODERATE, SLOW)) {
                byLatency.merge(latency, phase(latency, seconds), PhaseResult::plus);
            }
        }
        List<PhaseResult> phases = List.copyOf(byLatency.values());
        List<Throughput> throughput = new ArrayList<>();
        for (Duration latency : List.of(PROMPT, MODERATE)) {
            throughput.add(throughput(latency));
        }
        aliyun.behave();

        String report = report(phases, throughput);
        System.out.println(report);
        Files.writeString(Path.of("target", "isolation-benchmark.md"), report);
        for (PhaseResult phase : phases) {
            String name = "Aliyun at " + phase.providerLatency().toMillis() + " ms";
            assertThat(phase.count(CodeAnswer.SENT)).as(name + ": codes sent").isPositive();
            assertThat(phase.passwordLogins()).as(name + ": password logins").isNotEmpty();
            assertThat(phase.failedPasswordLogins()).as(name + ": failed password logins").isZero();
        }
    }

    // ---- what the people do ----

    private CodeAnswer askForCode() {
        Browser browser = BenchmarkKit.personalBrowser(server);
        Page phonePage = browser.startLogin(realm, "bench-sms");
        Page answer = browser.submit(phonePage, Map.of("phone_number", Phones.newNational()), null);
        String text = answer.text();
        if (text.contains("Many people are asking for codes right now")) {
            return CodeAnswer.BUSY;
        }
        if (text.contains("did not confirm the message")) {
            return CodeAnswer.UNCONFIRMED;
        }
        return answer.isCodePage() ? CodeAnswer.SENT : CodeAnswer.OTHER;
    }

    private Boolean passwordLogin() {
        Browser browser = BenchmarkKit.personalBrowser(server);
        Page loginPage = browser.startLogin(realm, "bench-password");
        String user = "bench-user-" + Math.floorMod(nextPasswordUser.getAndIncrement(), PASSWORD_USERS);
        browser.tokens(browser.submit(loginPage, Map.of("username", user, "password", BenchmarkKit.PASSWORD), "login"));
        return true;
    }

    // ---- measuring ----

    /** The crowd and the password users at their fixed rates for {@code seconds}, with Aliyun answering after {@code latency}. */
    private PhaseResult phase(Duration latency, int seconds) throws Exception {
        aliyun.reset();
        if (!latency.isZero()) {
            aliyun.misbehave(Misbehaviour.slow(latency));
        }
        long pid = server.javaPid();
        long cpuBefore = cpuTicks(pid);
        long start = System.nanoTime();
        OpenArrivals<CodeAnswer> crowd = new OpenArrivals<>(CROWD_RATE, this::askForCode);
        OpenArrivals<Boolean> passwords = new OpenArrivals<>(PASSWORD_RATE, this::passwordLogin);
        Thread.sleep(seconds * 1000L);
        crowd.stop();
        passwords.stop();
        List<Timed<CodeAnswer>> codeRequests = crowd.awaitAll();
        List<Timed<Boolean>> passwordLogins = passwords.awaitAll();
        return new PhaseResult(latency, codeRequests, passwordLogins, (cpuTicks(pid) - cpuBefore) / 100.0,
                (System.nanoTime() - start) / 1e9, aliyun.mostInFlight());
    }

    /** {@code CLIENTS} people asking for codes one after the other for {@code SECONDS}, Aliyun answering after {@code latency}. */
    private Throughput throughput(Duration latency) throws Exception {
        aliyun.reset();
        if (!latency.isZero()) {
            aliyun.misbehave(Misbehaviour.slow(latency));
        }
        Map<CodeAnswer, AtomicInteger> answers = new java.util.EnumMap<>(CodeAnswer.class);
        for (CodeAnswer answer : CodeAnswer.values()) {
            answers.put(answer, new AtomicInteger());
        }
        AtomicBoolean running = new AtomicBoolean(true);
        long pid = server.javaPid();
        long cpuBefore = cpuTicks(pid);
        long start = System.nanoTime();
        ExecutorService people = Executors.newFixedThreadPool(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            people.submit(() -> {
                while (running.get()) {
                    try {
                        answers.get(askForCode()).incrementAndGet();
                    } catch (RuntimeException | AssertionError e) {
                        answers.get(CodeAnswer.OTHER).incrementAndGet();
                    }
                }
            });
        }
        Thread.sleep(SECONDS * 1000L);
        running.set(false);
        people.shutdown();
        people.awaitTermination(60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        double busy = (cpuTicks(pid) - cpuBefore) / 100.0 / seconds / BenchmarkKit.keycloakCpuCount();
        return new Throughput(latency, answers.get(CodeAnswer.SENT).get() / seconds, answers.get(CodeAnswer.BUSY).get() / seconds,
                (answers.get(CodeAnswer.OTHER).get() + answers.get(CodeAnswer.UNCONFIRMED).get()) / seconds, busy);
    }

    /** Requests that start at a fixed rate whatever the earlier ones do (an open arrival model), until stopped. */
    private static final class OpenArrivals<T> {
        private final ConcurrentLinkedQueue<Timed<T>> done = new ConcurrentLinkedQueue<>();
        private final ExecutorService workers = Executors.newCachedThreadPool();
        private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        private final AtomicLong failures = new AtomicLong();

        OpenArrivals(double perSecond, Callable<T> request) {
            clock.scheduleAtFixedRate(() -> workers.submit(() -> {
                long begin = System.nanoTime();
                T answer = null;
                try {
                    answer = request.call();
                } catch (Exception | AssertionError e) {
                    if (failures.incrementAndGet() == 1) {
                        System.out.println("isolation benchmark: a request failed: " + e);
                    }
                }
                done.add(new Timed<>(answer, (System.nanoTime() - begin) / 1_000_000));
            }), 0, (long) (1_000_000 / perSecond), TimeUnit.MICROSECONDS);
        }

        /** Starts no more requests. */
        void stop() {
            clock.shutdownNow();
        }

        /** The requests, once those under way have finished (they count). */
        List<Timed<T>> awaitAll() throws InterruptedException {
            workers.shutdown();
            workers.awaitTermination(60, TimeUnit.SECONDS);
            return new ArrayList<>(done);
        }
    }

    /** The bulkhead's capacity as Keycloak publishes it ({@code sms_login_sends_in_flight_limit}). */
    private String sendsInFlightLimit() throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher limit = Pattern.compile("(?m)^sms_login_sends_in_flight_limit(?:\\{[^}]*})? ([0-9.]+)").matcher(metrics.body());
        return limit.find() ? String.valueOf((int) Double.parseDouble(limit.group(1))) : "?";
    }

    private String report(List<PhaseResult> phases, List<Throughput> throughput) throws Exception {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nIsolation benchmark: per phase %d s of a crowd asking for codes at %.1f/s and password logins at %.1f/s "
                        + "(open arrivals), in %d slices, the phases taking turns, after two rounds of %d s per phase unmeasured; Keycloak on %d CPU(s); sends in flight limit (bulkhead): %s%n%n",
                SECONDS, CROWD_RATE, PASSWORD_RATE, SLICES, Math.max(1, WARMUP / 3), BenchmarkKit.keycloakCpuCount(), sendsInFlightLimit()));
        out.append("| Aliyun answers in | code requests | sent | busy | unconfirmed | other | code request p50 ms | p95 ms | most SendSms at once "
                + "| password logins | password p50 ms | p95 ms | p99 ms | failed password logins | Keycloak's CPUs busy |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (PhaseResult p : phases) {
            out.append(String.format(Locale.ROOT, "| %d ms | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %.0f%% |%n",
                    p.providerLatency().toMillis(), p.codeRequests().size(), p.count(CodeAnswer.SENT), p.count(CodeAnswer.BUSY),
                    p.count(CodeAnswer.UNCONFIRMED), p.count(CodeAnswer.OTHER) + p.codeRequests().stream().filter(t -> t.answer() == null).count(),
                    p.codeP(50), p.codeP(95), p.mostSendsAtAliyun(), p.passwordLogins().size(), p.passwordP(50), p.passwordP(95), p.passwordP(99),
                    p.failedPasswordLogins(), 100 * p.keycloakCpusBusy()));
        }
        PhaseResult control = phases.get(0);
        out.append(String.format(Locale.ROOT, "%nPassword login p50 against the control phase: Aliyun at 200 ms %.2fx, at 4.5 s %.2fx (target <= 1.5x, no failed password login)%n",
                (double) phases.get(1).passwordP(50) / control.passwordP(50), (double) phases.get(2).passwordP(50) / control.passwordP(50)));
        out.append(String.format(Locale.ROOT, "%nCodes sent per second, %d people asking one after the other for %d s:%n%n", CLIENTS, SECONDS));
        out.append("| Aliyun answers in | codes sent/s | busy answers/s | other answers/s | Keycloak's CPUs busy |\n|---|---|---|---|---|\n");
        for (Throughput t : throughput) {
            out.append(String.format(Locale.ROOT, "| %d ms | %.1f | %.1f | %.1f | %.0f%% |%n", t.providerLatency().toMillis(),
                    t.sentPerSecond(), t.busyPerSecond(), t.otherPerSecond(), 100 * t.keycloakCpusBusy()));
        }
        out.append(String.format(Locale.ROOT, "%nCodes sent/s at 200 ms against the CPU-bound ceiling (Aliyun answering at once): %.2fx%n",
                throughput.get(1).sentPerSecond() / throughput.get(0).sentPerSecond()));
        return out.toString();
    }
}
