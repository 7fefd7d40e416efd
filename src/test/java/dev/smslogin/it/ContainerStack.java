package dev.smslogin.it;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Network.Ipam;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dasniko.testcontainers.keycloak.KeycloakContainer;
import dev.smslogin.testing.FakeAliyunSms;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Keycloak in the image built from the repository's {@code Dockerfile}, with Redis and MySQL (MariaDB where the
 * stand-in images are used) in containers on a Docker network of its own, and the fake Aliyun of this JVM listening
 * on that network's gateway. Every port a container publishes is bound to 127.0.0.1. The containers' output goes to
 * {@code target/containers/}. {@link #close()} removes the containers and the network.
 *
 * <p>The images are system properties ({@code containers.keycloak-image}, {@code containers.redis-image},
 * {@code containers.mysql-image}: the upstream images by default, the stand-ins of {@code docker/standin/build.sh} in
 * {@code .ci/run}); {@code containers.keycloak-db-kind} is Keycloak's own database kind on that database server.
 */
final class ContainerStack implements AutoCloseable {

    static final String KEYCLOAK_IMAGE = System.getProperty("containers.keycloak-image", "quay.io/keycloak/keycloak:26.7.0");
    static final String REDIS_IMAGE = System.getProperty("containers.redis-image", "redis:7");
    static final String MYSQL_IMAGE = System.getProperty("containers.mysql-image", "mysql:8.0");
    static final String KEYCLOAK_DB_KIND = System.getProperty("containers.keycloak-db-kind", "mysql");
    /** The image the Dockerfile builds for the tests (rebuilt from its cached layers on each run). */
    static final String IMAGE = "sms-login-it/keycloak-sms-login:test";

    static final String APP_DATABASE = "app";
    static final String DB_USER = "keycloak_sms";
    static final String DB_PASSWORD = "keycloak_sms-test";
    static final String ROOT_PASSWORD = "root-test";

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Network network;
    private final FakeAliyunSms aliyun;
    private final GenericContainer<?> mysql;
    private final KeycloakContainer keycloak;

    private ContainerStack(Network network, FakeAliyunSms aliyun, GenericContainer<?> mysql, KeycloakContainer keycloak) {
        this.network = network;
        this.aliyun = aliyun;
        this.mysql = mysql;
        this.keycloak = keycloak;
    }

    static ContainerStack start() {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Network network = Network.newNetwork();
            started.add(network);
            String gateway = gateway(network);
            FakeAliyunSms aliyun = FakeAliyunSms.start(gateway);
            started.add(aliyun);

            GenericContainer<?> redis = new GenericContainer<>(REDIS_IMAGE)
                    .withNetwork(network).withNetworkAliases("redis")
                    .withLogConsumer(logFile("redis"))
                    .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1));
            started.add(redis);
            redis.start();

            GenericContainer<?> mysql = new GenericContainer<>(MYSQL_IMAGE)
                    .withNetwork(network).withNetworkAliases("mysql")
                    .withLogConsumer(logFile("mysql"))
                    .withExposedPorts(3306)
                    .withCreateContainerCmdModifier(ContainerStack::publishOnLoopback)
                    .withEnv("MYSQL_DATABASE", APP_DATABASE)
                    .withEnv("MYSQL_USER", DB_USER)
                    .withEnv("MYSQL_PASSWORD", DB_PASSWORD)
                    .withEnv("MYSQL_ROOT_PASSWORD", ROOT_PASSWORD)
                    // Keycloak's own database on the same server, for the same user
                    .withCopyToContainer(Transferable.of("CREATE DATABASE keycloak CHARACTER SET utf8mb4;\n"
                            + "GRANT ALL ON keycloak.* TO '" + DB_USER + "'@'%';\n"), "/docker-entrypoint-initdb.d/00-keycloak.sql")
                    // the app's tables and the grants, as docker-compose.yml mounts them
                    .withCopyFileToContainer(MountableFile.forHostPath("src/main/resources/sql/login-methods-mysql.sql"),
                            "/docker-entrypoint-initdb.d/01-login-methods.sql")
                    .withCopyFileToContainer(MountableFile.forHostPath("docker/mysql-grants.sql"),
                            "/docker-entrypoint-initdb.d/02-grants.sql")
                    // the server that listens on TCP is the one after the init scripts (mysql image and stand-in alike)
                    .waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(3)));
            started.add(mysql);
            mysql.start();

            KeycloakContainer keycloak = new KeycloakContainer(image())
                    .withProductionMode()
                    .withOptimizedFlag()
                    .withEnabledMetrics()
                    .withAdminUsername(KeycloakServer.ADMIN)
                    .withAdminPassword(KeycloakServer.ADMIN_PASSWORD)
                    .withNetwork(network)
                    .withLogConsumer(logFile("keycloak"))
                    .withCreateContainerCmdModifier(ContainerStack::publishOnLoopback)
                    // ready, not only started: until the bootstrap ends, requests get 503 "Bootstrap in progress"
                    .waitingFor(Wait.forHttp("/health/ready").forPort(9000).withStartupTimeout(Duration.ofMinutes(5)))
                    .withEnv("KC_HTTP_ENABLED", "true")
                    .withEnv("KC_HOSTNAME_STRICT", "false")
                    .withEnv("KC_DB_URL", "jdbc:" + KEYCLOAK_DB_KIND + "://mysql:3306/keycloak")
                    .withEnv("KC_DB_USERNAME", DB_USER)
                    .withEnv("KC_DB_PASSWORD", DB_PASSWORD)
                    .withEnv("KC_DB_URL_FULL_LOGIN_METHODS", "jdbc:mysql://mysql:3306/" + APP_DATABASE + "?socketTimeout=10000")
                    .withEnv("KC_DB_USERNAME_LOGIN_METHODS", DB_USER)
                    .withEnv("KC_DB_PASSWORD_LOGIN_METHODS", DB_PASSWORD)
                    // the providers are the image's (aliyun, redis: built in); their settings are runtime options
                    .withEnv("KC_SPI_SMS_CODE_STORE__REDIS__URL", "redis://redis:6379/0")
                    .withEnv("KC_SPI_SMS_SENDER__ALIYUN__ACCESS_KEY_ID", FakeAliyunSms.ACCESS_KEY_ID)
                    .withEnv("KC_SPI_SMS_SENDER__ALIYUN__ACCESS_KEY_SECRET", FakeAliyunSms.ACCESS_KEY_SECRET)
                    .withEnv("KC_SPI_SMS_SENDER__ALIYUN__SIGN_NAME", FakeAliyunSms.SIGN_NAME)
                    .withEnv("KC_SPI_SMS_SENDER__ALIYUN__TEMPLATE_CODE", FakeAliyunSms.TEMPLATE_CODE)
                    .withEnv("KC_SPI_SMS_SENDER__ALIYUN__ENDPOINT", aliyun.endpoint())
                    .withEnv("KC_SPI_SMS_SENDER__ALIYUN__PROTOCOL", "http")
                    .withEnv("KC_LOG_LEVEL", "INFO,dev.smslogin:DEBUG")
                    .withEnv("LANG", "C.UTF-8");
            started.add(keycloak);
            keycloak.start();

            ContainerStack stack = new ContainerStack(network, aliyun, mysql, keycloak);
            stack.resources.addAll(started);
            return stack;
        } catch (RuntimeException | IOException e) {
            closeAll(started);
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** Builds the repository's Dockerfile on {@link #KEYCLOAK_IMAGE}, with the jar {@code mvn package} wrote. */
    private static String image() {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        return new ImageFromDockerfile(IMAGE, false)
                .withDockerfile(root.resolve("Dockerfile"))
                .withBuildArg("KEYCLOAK_IMAGE", KEYCLOAK_IMAGE)
                .withBuildArg("KC_DB", KEYCLOAK_DB_KIND)
                .withBuildArg("SMS_SENDER", "aliyun")
                .withBuildArg("SMS_CODE_STORE", "redis")
                .get();
    }

    /** Writes a container's output to {@code target/containers/<name>.log}, which outlives the container. */
    private static Consumer<OutputFrame> logFile(String name) {
        Path file = Path.of("target", "containers", name + ".log");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frame -> {
            try {
                Files.write(file, frame.getBytes() == null ? new byte[0] : frame.getBytes(),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** The gateway address of the network: the host's side of the bridge, where the fake Aliyun listens. */
    private static String gateway(Network network) {
        Ipam ipam = DockerClientFactory.instance().client().inspectNetworkCmd().withNetworkId(network.getId()).exec().getIpam();
        return ipam.getConfig().get(0).getGateway();
    }

    /** Publishes each exposed port on 127.0.0.1 only (a free port of Docker's choice), not on every interface. */
    private static void publishOnLoopback(CreateContainerCmd command) {
        List<PortBinding> bindings = new ArrayList<>();
        for (ExposedPort port : command.getExposedPorts()) {
            bindings.add(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), port));
        }
        command.getHostConfig().withPortBindings(bindings);
    }

    String baseUrl() {
        return keycloak.getAuthServerUrl();
    }

    String managementUrl() {
        return keycloak.getMgmtServerUrl();
    }

    FakeAliyunSms aliyun() {
        return aliyun;
    }

    String keycloakLog() {
        return keycloak.getLogs();
    }

    /** A connection to the app's database, from this JVM through the loopback-published port. */
    Connection appDatabase() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + mysql.getMappedPort(3306) + "/" + APP_DATABASE,
                DB_USER, DB_PASSWORD);
    }

    long count(String sql) {
        try (Connection c = appDatabase(); Statement s = c.createStatement(); var rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes the containers (Keycloak first) and the network, stops the fake Aliyun. */
    @Override
    public void close() {
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("could not remove " + resources.get(i) + ": " + e);
            }
        }
        resources.clear();
    }
}
