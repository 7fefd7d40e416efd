package dev.smslogin.it;

import dev.smslogin.testing.LocalPorts;
import dev.smslogin.testing.FakeAliyunPnvs;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeSiteVerify;
import dev.smslogin.testing.TcpProxy;
import dev.smslogin.testing.TestDatabase;
import dev.smslogin.testing.WidgetlessHumanCheckFactory;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real Keycloak server distribution ({@code keycloak-quarkus-dist}, unpacked by the build) started as a
 * process with the built shaded jar in {@code providers/}, the real Redis, and the fake Aliyun endpoint of this
 * JVM. One shared server per test JVM ({@link #get()}), started on first use and stopped when the JVM exits;
 * tests that need Keycloak on another Redis start their own ({@link #startWithRedis}).
 */
public final class KeycloakServer implements AutoCloseable {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    /**
     * {@code -Dkeycloak.direct=true}: Keycloak reaches Redis, MySQL and the fake Aliyun directly, without the
     * cuttable links (for the benchmark, whose figures the links would distort; outage tests need them).
     */
    static final boolean DIRECT = Boolean.getBoolean("keycloak.direct");

    /** The Redis database the server's codes go to (tests read it directly at 127.0.0.1:6379). */
    public static final int REDIS_DB = 14;

    private static KeycloakServer instance;

    /**
     * What the server talks to: the fakes of this JVM, the app's database, and the links (loopback TCP proxies)
     * through which Keycloak reaches Redis, the app's database and Aliyun, so that tests can cut or slow them.
     */
    public record Dependencies(FakeAliyunSms aliyun, FakeSiteVerify captcha, FakeAliyunPnvs pnvs, TestDatabase appDatabase, String redisPrefix,
                               TcpProxy redisLink, TcpProxy appDatabaseLink, TcpProxy aliyunLink) {

        static Dependencies start() throws IOException {
            FakeAliyunSms aliyun = FakeAliyunSms.start();
            return new Dependencies(aliyun, FakeSiteVerify.start(), FakeAliyunPnvs.start(), TestDatabase.create(), "it-" + UUID.randomUUID() + ":",
                    new TcpProxy(6379), new TcpProxy(3306), new TcpProxy(aliyun.port()));
        }

        void close() throws IOException {
            aliyun.close();
            captcha.close();
            pnvs.close();
            appDatabase.close();
            redisLink.close();
            appDatabaseLink.close();
            aliyunLink.close();
        }
    }

    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path home;
    private final Path log;
    private final Dependencies dependencies;
    private Keycloak adminClient;
    private boolean stopped;

    private KeycloakServer(Process process, int port, int managementPort, Path home, Path log, Dependencies dependencies) {
        this.process = process;
        this.home = home;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
        this.dependencies = dependencies;
    }

    /** The distribution this server runs from. */
    public Path home() {
        return home;
    }

    public static synchronized KeycloakServer get() {
        if (instance == null) {
            try {
                Path home = distribution();
                instance = start(home, "keycloak-" + home.getFileName(), null, List.of(), List.of());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("could not start Keycloak", e);
            }
        }
        return instance;
    }

    /**
     * Another server with the shared one's options and fakes of its own, but its codes in the Redis at
     * {@code redisUrl} (a Sentinel or Cluster the test started): the URL is a server option. It runs from its own copy
     * of the distribution ({@code target/keycloak-<name>}): {@code start-dev} rebuilds the distribution it runs from
     * and keeps its database there, so two servers cannot share one. {@link #close()} stops it.
     */
    static KeycloakServer startWithRedis(String name, String redisUrl) {
        return startWithRedis(name, redisUrl, List.of());
    }

    /** As {@link #startWithRedis(String, String)}, with more server options (e.g. the code store's TLS options). */
    static KeycloakServer startWithRedis(String name, String redisUrl, List<String> options) {
        try {
            Path home = Path.of("target", "keycloak-" + name).toAbsolutePath();
            LocalPorts.deleteRecursively(home);
            LocalPorts.copyRecursively(distribution(), home, "data");
            return start(home, "keycloak-" + name, redisUrl, options, List.of());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not start Keycloak " + name, e);
        }
    }

    /**
     * Another server with the shared one's options, those of {@code options} that name the same option replaced
     * (such as {@code --spi-sms-sender--provider=tencent}), and more JVM options; fakes of its own, its own copy of the
     * distribution. {@link #close()} stops it.
     */
    static KeycloakServer startWith(String name, List<String> options, List<String> javaOptions) {
        try {
            Path home = Path.of("target", "keycloak-" + name).toAbsolutePath();
            LocalPorts.deleteRecursively(home);
            LocalPorts.copyRecursively(distribution(), home, "data");
            return start(home, "keycloak-" + name, null, options, javaOptions);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not start Keycloak " + name, e);
        }
    }

    private static Path distribution() {
        Path home = Path.of(System.getProperty("keycloak.home", "target/keycloak-dist/keycloak-26.7.0"));
        if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("no Keycloak distribution at " + home + " (run through mvn verify)");
        }
        return home;
    }

    /**
     * @param redisUrl the code store's Redis, or null for the machine's Redis through the cuttable link
     * @param options  more server options; one that names a default option replaces it
     * @param javaOptions more options of Keycloak's JVM
     */
    private static KeycloakServer start(Path home, String name, String redisUrl, List<String> options, List<String> javaOptions)
            throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("provider.jar", "target/keycloak-sms-login.jar"));
        Files.createDirectories(home.resolve("providers"));
        Files.copy(jar, home.resolve("providers/keycloak-sms-login.jar"), StandardCopyOption.REPLACE_EXISTING);
        writeTestProviders(home.resolve("providers/keycloak-sms-login-it-providers.jar"));
        LocalPorts.deleteRecursively(home.resolve("data"));

        Dependencies deps = Dependencies.start();
        int port = LocalPorts.free();
        int managementPort = LocalPorts.free();
        Path log = Path.of("target", name + ".log").toAbsolutePath();
        if (redisUrl == null) {
            redisUrl = "redis://127.0.0.1:" + (DIRECT ? 6379 : deps.redisLink().port()) + "/" + REDIS_DB;
        }

        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + port,
                "--http-management-port=" + managementPort,
                "--metrics-enabled=true",
                "--hostname-strict=false",
                "--cache=local",
                // provider-default, not provider: Keycloak then loads every sender, which realms' own accounts use
                "--spi-sms-sender--provider-default=aliyun",
                "--spi-sms-sender--aliyun--access-key-id=" + FakeAliyunSms.ACCESS_KEY_ID,
                "--spi-sms-sender--aliyun--access-key-secret=" + FakeAliyunSms.ACCESS_KEY_SECRET,
                "--spi-sms-sender--aliyun--sign-name=" + FakeAliyunSms.SIGN_NAME,
                "--spi-sms-sender--aliyun--template-code=" + FakeAliyunSms.TEMPLATE_CODE,
                // the login keeps template-code; the other purposes have templates of their own
                "--spi-sms-sender--aliyun--template-code-verify=" + FakeAliyunSms.TEMPLATE_CODE_VERIFY,
                "--spi-sms-sender--aliyun--template-code-second-factor=" + FakeAliyunSms.TEMPLATE_CODE_SECOND_FACTOR,
                "--spi-sms-sender--aliyun--template-code-reset=" + FakeAliyunSms.TEMPLATE_CODE_RESET,
                "--spi-sms-sender--aliyun--endpoint=127.0.0.1:" + (DIRECT ? deps.aliyun().port() : deps.aliyunLink().port()),
                "--spi-sms-sender--aliyun--protocol=http",
                "--spi-sms-sender--aliyun--read-timeout-ms=2000",
                "--spi-sms-code-store--provider=redis",
                "--spi-sms-code-store--redis--url=" + redisUrl,
                "--spi-sms-code-store--redis--key-prefix=" + deps.redisPrefix(),
                "--spi-sms-code-store--redis--timeout-ms=1000",
                "--spi-sms-human-check--siteverify--verify-url=" + deps.captcha().verifyUrl(),
                "--spi-sms-human-check--siteverify--secret=" + FakeSiteVerify.SECRET,
                "--spi-sms-human-check--siteverify--site-key=test-site-key",
                "--spi-sms-human-check--" + WidgetlessHumanCheckFactory.PROVIDER_ID + "--verify-url=" + deps.captcha().verifyUrl(),
                // one-tap sign-in's service (flows turn it on with oneTap); its keys are the Aliyun sender's
                "--spi-authenticator--sms-login-direct-grant--one-tap-endpoint=" + deps.pnvs().endpoint(),
                "--spi-authenticator--sms-login-direct-grant--one-tap-protocol=http",
                "--spi-authenticator--sms-login-direct-grant--one-tap-timeout-ms=1000",
                // the login-methods pool as Keycloak configures it by default: docs/operations.md's optional pool check
                // (foreground validation, docker/quarkus.properties) is left out, so that the tests check the
                // extension's own recovery from a MySQL restart; the read timeout docs/operations.md recommends is in the URL
                "--db-kind-login-methods=mysql",
                "--db-url-full-login-methods=jdbc:mysql://127.0.0.1:" + (DIRECT ? 3306 : deps.appDatabaseLink().port()) + "/" + deps.appDatabase().name()
                        + "?connectTimeout=2000&socketTimeout=10000",
                "--db-username-login-methods=" + TestDatabase.USER,
                "--transaction-xa-enabled-login-methods=true",
                "--log-level=" + System.getProperty("keycloak.log-level", "INFO,dev.smslogin:DEBUG")));
        List<String> replaced = options.stream().map(KeycloakServer::optionName).toList();
        command.removeIf(option -> option.startsWith("--") && replaced.contains(optionName(option)));
        command.addAll(options);
        String extraArgs = System.getProperty("keycloak.args", "").strip();
        if (!extraArgs.isEmpty()) {
            command.addAll(List.of(extraArgs.split("\\s+")));
        }
        String cpus = System.getProperty("keycloak.cpus", "").strip();
        if (!cpus.isEmpty()) {
            // the benchmark gives Keycloak CPUs of its own, away from the load driver, Redis and MariaDB
            command.addAll(0, List.of("taskset", "-c", cpus));
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("LC_ALL", "C.UTF-8");
        env.put("LANG", "C.UTF-8");
        env.put("JAVA_OPTS_APPEND", ("-Xms256m -Xmx1g " + String.join(" ", javaOptions) + " " + System.getProperty("keycloak.java-opts", "")).strip());
        String javaHome = System.getProperty("keycloak.java-home", "").strip();
        if (!javaHome.isEmpty()) {
            // the Java that runs Keycloak, when not the one running the tests (the benchmark can compare them)
            env.put("JAVA_HOME", javaHome);
        }
        Process process = builder.start();
        KeycloakServer server = new KeycloakServer(process, port, managementPort, home, log, deps);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        try {
            server.awaitReady(Duration.ofMinutes(4));
        } catch (RuntimeException | InterruptedException e) {
            server.stop();
            throw e;
        }
        return server;
    }

    /** {@code --name} of {@code --name=value}. */
    private static String optionName(String option) {
        int eq = option.indexOf('=');
        return eq < 0 ? option : option.substring(0, eq);
    }

    /**
     * The tests' own providers, in a jar beside the extension's: a human check without a widget
     * ({@link WidgetlessHumanCheckFactory}), which the extension ships none of.
     */
    private static void writeTestProviders(Path target) throws IOException {
        Path classes = Path.of(WidgetlessHumanCheckFactory.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        String packagePath = WidgetlessHumanCheckFactory.class.getPackageName().replace('.', '/');
        String simpleName = WidgetlessHumanCheckFactory.class.getSimpleName();
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(target));
             java.util.stream.Stream<Path> files = Files.list(classes.resolve(packagePath))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(simpleName)).toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(packagePath + "/" + file.getFileName()));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
            out.putNextEntry(new java.util.jar.JarEntry("META-INF/services/dev.smslogin.humancheck.HumanCheckFactory"));
            out.write((WidgetlessHumanCheckFactory.class.getName() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; log: " + log + "\n" + tail());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/realms/master"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Keycloak did not start within " + timeout + "; log: " + log + "\n" + tail());
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Keycloak's admin client on this server, signed in as the master realm's admin; closed when the server stops. */
    public synchronized Keycloak adminClient() {
        if (adminClient == null) {
            adminClient = adminClient(baseUrl());
        }
        return adminClient;
    }

    /** An admin client on the Keycloak at {@code baseUrl} (a cluster's node, a container) started with this admin. */
    static Keycloak adminClient(String baseUrl) {
        return KeycloakBuilder.builder()
                .serverUrl(baseUrl)
                .realm("master")
                .clientId("admin-cli")
                .username(ADMIN)
                .password(ADMIN_PASSWORD)
                .build();
    }

    /** Keycloak's management interface: {@code /metrics}, {@code /health}. */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** What {@code /metrics} of the management interface answers now (Prometheus text). */
    public String metricsText() {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(managementUrl() + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The fake of Aliyun's Phone Number Verification Service, one-tap sign-in's ({@code one-tap-*} options point at it). */
    public FakeAliyunPnvs pnvs() {
        return dependencies.pnvs();
    }

    public FakeAliyunSms aliyun() {
        return dependencies.aliyun();
    }

    public String redisPrefix() {
        return dependencies.redisPrefix();
    }

    /** The app's MySQL database behind the {@code login-methods} datasource. */
    public TestDatabase appDatabase() {
        return dependencies.appDatabase();
    }

    public Dependencies dependencies() {
        return dependencies;
    }

    /** The pid of Keycloak's JVM (kc.sh starts it as a child, or becomes it). */
    public long javaPid() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()), process.descendants())
                .filter(p -> p.info().commandLine().orElse("").contains("QuarkusEntryPoint"))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Keycloak JVM found"));
    }

    /** The server log so far, for assertions on what is (never) logged. */
    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** Stops a server of {@link #startWithRedis}; the shared one stops when the JVM exits. */
    @Override
    public void close() {
        if (this != instance) {
            stop();
        }
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (adminClient != null) {
            adminClient.close();
        }
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            dependencies.close();
        } catch (IOException ignored) {
            // the JVM is exiting
        }
    }

}
