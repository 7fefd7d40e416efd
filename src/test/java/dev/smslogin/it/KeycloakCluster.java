package dev.smslogin.it;

import dev.smslogin.testing.LocalPorts;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.TestDatabase;

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
import java.util.UUID;

/**
 * Two Keycloak nodes of one cluster on loopback, in production mode: one shared Keycloak database (a MariaDB
 * database of their own), Infinispan clustering over JGroups with JDBC_PING discovery, the same Redis and the
 * same fake Aliyun as the single test server. Each node runs from its own copy of the distribution.
 */
final class KeycloakCluster implements AutoCloseable {

    private final List<Process> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final TestDatabase keycloakDatabase;

    private KeycloakCluster(TestDatabase keycloakDatabase) {
        this.keycloakDatabase = keycloakDatabase;
    }

    static KeycloakCluster start(FakeAliyunSms aliyun, String adminPassword) throws IOException, InterruptedException {
        Path source = Path.of(System.getProperty("keycloak.home", "target/keycloak-dist/keycloak-26.7.0"));
        Path jar = Path.of(System.getProperty("provider.jar", "target/keycloak-sms-login.jar"));
        Path base = Path.of("target", "cluster").toAbsolutePath();
        LocalPorts.deleteRecursively(base);
        Path built = base.resolve("node-1");
        LocalPorts.copyRecursively(source, built, "data");
        Files.copy(jar, built.resolve("providers/keycloak-sms-login.jar"), StandardCopyOption.REPLACE_EXISTING);
        run(built, base.resolve("build.log"), List.of("build", "--db=mariadb", "--cache=ispn",
                "--spi-sms-code-store--provider=redis", "--spi-sms-sender--provider=aliyun"));
        LocalPorts.copyRecursively(built, base.resolve("node-2"), "data");

        KeycloakCluster cluster = new KeycloakCluster(TestDatabase.create());
        String redisPrefix = "cluster-" + UUID.randomUUID() + ":";
        for (int node = 1; node <= 2; node++) {
            Path home = base.resolve("node-" + node);
            int port = LocalPorts.free();
            Path log = base.resolve("node-" + node + ".log");
            List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                    "--http-enabled=true", "--hostname-strict=false",
                    "--http-port=" + port, "--http-management-port=" + LocalPorts.free(),
                    "--db-url=jdbc:mariadb://127.0.0.1:3306/" + cluster.keycloakDatabase.name(),
                    "--db-username=" + TestDatabase.USER,
                    "--cache-embedded-network-bind-address=127.0.0.1",
                    "--cache-embedded-network-bind-port=" + LocalPorts.free(),
                    "--spi-sms-sender--aliyun--access-key-id=" + FakeAliyunSms.ACCESS_KEY_ID,
                    "--spi-sms-sender--aliyun--access-key-secret=" + FakeAliyunSms.ACCESS_KEY_SECRET,
                    "--spi-sms-sender--aliyun--sign-name=" + FakeAliyunSms.SIGN_NAME,
                    "--spi-sms-sender--aliyun--template-code=" + FakeAliyunSms.TEMPLATE_CODE,
                    "--spi-sms-sender--aliyun--endpoint=" + aliyun.endpoint(),
                    "--spi-sms-sender--aliyun--protocol=http",
                    "--spi-sms-code-store--redis--url=redis://127.0.0.1:6379/" + KeycloakServer.REDIS_DB,
                    "--spi-sms-code-store--redis--key-prefix=" + redisPrefix));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", KeycloakServer.ADMIN);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
            builder.environment().put("LC_ALL", "C.UTF-8");
            builder.environment().put("JAVA_OPTS_APPEND", "-Xms256m -Xmx768m");
            cluster.nodes.add(builder.start());
            cluster.ports.add(port);
            cluster.logs.add(log);
            cluster.awaitReady(node - 1);
        }
        cluster.awaitClusterOfTwo();
        return cluster;
    }

    String baseUrl(int node) {
        return "http://127.0.0.1:" + ports.get(node - 1);
    }

    private void awaitReady(int index) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            if (!nodes.get(index).isAlive()) {
                throw new IllegalStateException("cluster node " + (index + 1) + " exited; log: " + logs.get(index) + "\n" + tail(logs.get(index)));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(index) + "/realms/master"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("cluster node " + (index + 1) + " did not start; log: " + logs.get(index));
    }

    /** Infinispan logs the view once both nodes joined: {@code ISPN000094: Received new cluster view ... (2)}. */
    private void awaitClusterOfTwo() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readString(logs.get(1)).matches("(?s).*ISPN000094.*\\(2\\).*")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the two nodes did not form a cluster; logs: " + logs);
    }

    private static void run(Path home, Path log, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/kc.sh").toString());
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("kc.sh " + args + " failed; log: " + log + "\n" + tail(log));
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() throws InterruptedException {
        for (Process node : nodes) {
            node.destroy();
        }
        for (Process node : nodes) {
            if (!node.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        keycloakDatabase.close();
    }
}
