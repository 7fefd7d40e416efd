package dev.smslogin.docs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks docker-compose.yml against the public surface in the contract: the Keycloak version, where the jar and
 * the demo realm go, and that every {@code KC_SPI_*} variable names a real SPI, provider and option.
 */
@DisplayName("docker-compose.yml")
class DockerComposeTest {

    /** The server options of the contract: SPI -> provider -> options. */
    static final Map<String, Map<String, Set<String>>> SPI_OPTIONS = Map.of(
            "sms-code-store", Map.of(
                    "redis", Set.of("url", "key-prefix", "timeout-ms"),
                    "keycloak", Set.of()),
            "sms-sender", Map.of(
                    "aliyun", Set.of("access-key-id", "access-key-secret", "sign-name", "template-code", "region-id",
                            "template-param", "endpoint", "protocol", "connect-timeout-ms", "read-timeout-ms"),
                    "log", Set.of()),
            "login-method-store", Map.of(
                    "default", Set.of("datasource", "identification-format")));

    static final String SPI_PREFIX = "KC_SPI_";
    static final String PROVIDER_JAR = "/opt/keycloak/providers/keycloak-sms-login.jar";
    static final String REALM_IMPORT = "/opt/keycloak/data/import/realm-sms-demo.json";
    static final List<String> ALIYUN_CREDENTIALS = List.of(
            "KC_SPI_SMS_SENDER__ALIYUN__ACCESS_KEY_ID", "KC_SPI_SMS_SENDER__ALIYUN__ACCESS_KEY_SECRET",
            "KC_SPI_SMS_SENDER__ALIYUN__SIGN_NAME", "KC_SPI_SMS_SENDER__ALIYUN__TEMPLATE_CODE");

    /** Compose interpolation: {@code ${NAME}}, {@code ${NAME-default}} or {@code ${NAME:-default}}. */
    static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

    static Path root;
    static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        root = Path.of(System.getProperty("basedir", "."));
        try (Reader reader = Files.newBufferedReader(root.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            services = (Map<String, Object>) compose.get("services");
        }
        assertThat(services).as("services").isNotNull().containsKeys("keycloak", "redis", "mysql");
    }

    @Test
    @DisplayName("runs, unless KEYCLOAK_IMAGE says otherwise, the Keycloak 26.7.x server image the extension is built for")
    void keycloakImage() {
        String image = (String) service("keycloak").get("image");
        assertThat(image).matches(VARIABLE);
        assertThat(effectiveValue(image)).matches("quay\\.io/keycloak/keycloak:26\\.7\\.\\d+");
    }

    @Test
    @DisplayName("runs, unless REDIS_IMAGE and MYSQL_IMAGE say otherwise, the upstream Redis 7 and MySQL 8.0 images")
    void upstreamImagesByDefault() {
        assertThat(effectiveValue((String) service("redis").get("image"))).isEqualTo("redis:7");
        assertThat(effectiveValue((String) service("mysql").get("image"))).isEqualTo("mysql:8.0");
        for (String name : List.of("keycloak", "redis", "mysql")) {
            Matcher variable = VARIABLE.matcher((String) service(name).get("image"));
            assertThat(variable.matches()).as(name + ": the image is one ${..._IMAGE:-default} variable").isTrue();
            assertThat(variable.group(1)).as(name).endsWith("_IMAGE");
        }
    }

    @Test
    @DisplayName("mounts the built jar, read-only, as the one provider in Keycloak's providers directory")
    void providerJar() {
        assertThat(volumes("keycloak"))
                .contains("./target/keycloak-sms-login.jar:" + PROVIDER_JAR + ":ro");
    }

    @Test
    @DisplayName("imports the demo realm at start")
    void realmImport() {
        assertThat(volumes("keycloak"))
                .contains("./examples/realm-sms-demo.json:" + REALM_IMPORT + ":ro");
        assertThat(String.valueOf(service("keycloak").get("command"))).contains("--import-realm");
    }

    @Test
    @DisplayName("mounts only files that are in the repository (the jar aside, which the build writes)")
    void mountedFilesExist() {
        List<String> sources = new ArrayList<>();
        for (String name : services.keySet()) {
            for (String volume : volumes(name)) {
                String source = volume.split(":")[0];
                if (source.startsWith("./") && !source.startsWith("./target/")) {
                    sources.add(source);
                }
            }
        }
        assertThat(sources).isNotEmpty().allSatisfy(source ->
                assertThat(root.resolve(source)).as(source).isRegularFile());
    }

    @Test
    @DisplayName("names only SPIs, providers and options of the contract in KC_SPI_ variables")
    void spiOptionsAreInTheContract() {
        Map<String, String> spiVariables = spiVariables();
        assertThat(spiVariables).as("KC_SPI_ variables").isNotEmpty();

        List<String> unknown = new ArrayList<>();
        spiVariables.forEach((key, value) -> {
            String[] parts = key.substring(SPI_PREFIX.length()).split("__", -1);
            String spi = optionName(parts[0]);
            if (parts.length == 2 && parts[1].equals("PROVIDER")) {
                if (!SPI_OPTIONS.containsKey(spi)) {
                    unknown.add(key + ": no SPI " + spi);
                }
            } else if (parts.length == 3) {
                String provider = optionName(parts[1]);
                String option = optionName(parts[2]);
                Map<String, Set<String>> providers = SPI_OPTIONS.get(spi);
                if (providers == null) {
                    unknown.add(key + ": no SPI " + spi);
                } else if (!providers.containsKey(provider)) {
                    unknown.add(key + ": SPI " + spi + " has no provider " + provider);
                } else if (!providers.get(provider).contains(option)) {
                    unknown.add(key + ": provider " + spi + "/" + provider + " has no option " + option);
                }
            } else {
                unknown.add(key + ": not of the form KC_SPI_<SPI>__<PROVIDER>__<OPTION> or KC_SPI_<SPI>__PROVIDER");
            }
        });
        assertThat(unknown).as("KC_SPI_ variables outside the contract").isEmpty();
    }

    @Test
    @DisplayName("selects, with every KC_SPI_<SPI>__PROVIDER variable, a provider that exists (by default too)")
    void selectedProvidersExist() {
        Map<String, String> selections = new LinkedHashMap<>();
        spiVariables().forEach((key, value) -> {
            if (key.endsWith("__PROVIDER")) {
                selections.put(key, value);
            }
        });
        assertThat(selections).containsKeys("KC_SPI_SMS_SENDER__PROVIDER", "KC_SPI_SMS_CODE_STORE__PROVIDER");
        selections.forEach((key, value) -> {
            String spi = optionName(key.substring(SPI_PREFIX.length(), key.length() - "__PROVIDER".length()));
            assertThat(SPI_OPTIONS).as(key).containsKey(spi);
            assertThat(SPI_OPTIONS.get(spi)).as(key + " = " + value).containsKey(effectiveValue(value));
        });
    }

    @Test
    @DisplayName("uses the log sender unless SMS_SENDER says otherwise")
    void logSenderByDefault() {
        String sender = environment("keycloak").get("KC_SPI_SMS_SENDER__PROVIDER");
        assertThat(sender).as("KC_SPI_SMS_SENDER__PROVIDER").matches(VARIABLE);
        assertThat(effectiveValue(sender)).isEqualTo("log");
    }

    @Test
    @DisplayName("takes the four Aliyun credentials from environment variables, never from literal values")
    void aliyunCredentialsFromEnvironment() {
        Map<String, String> environment = environment("keycloak");
        for (String key : ALIYUN_CREDENTIALS) {
            String value = environment.get(key);
            assertThat(value).as(key).isNotNull();
            Matcher variable = VARIABLE.matcher(value);
            assertThat(variable.matches()).as(key + " = " + value + " is one ${ALIYUN_...} variable").isTrue();
            assertThat(variable.group(1)).as(key).startsWith("ALIYUN_");
            assertThat(variable.group(2)).as(key + ": no default secret").isNullOrEmpty();
        }
    }

    @Test
    @DisplayName("writes the app's rows through the XA additional datasource login-methods on the mysql service")
    void loginMethodsDatasource() {
        Map<String, String> keycloak = environment("keycloak");
        Map<String, String> mysql = environment("mysql");
        assertThat(keycloak)
                .containsEntry("KC_DB_KIND_LOGIN_METHODS", "mysql")
                .containsEntry("KC_TRANSACTION_XA_ENABLED_LOGIN_METHODS", "true")
                .containsEntry("KC_DB_USERNAME_LOGIN_METHODS", mysql.get("MYSQL_USER"))
                .containsEntry("KC_DB_PASSWORD_LOGIN_METHODS", mysql.get("MYSQL_PASSWORD"));
        assertThat(keycloak.get("KC_DB_URL_FULL_LOGIN_METHODS")).as("a read timeout, as docs/operations.md recommends")
                .startsWith("jdbc:mysql://mysql:3306/" + mysql.get("MYSQL_DATABASE") + "?")
                .containsPattern("[?&]socketTimeout=\\d+");
        String datasource = keycloak.get("KC_SPI_LOGIN_METHOD_STORE__DEFAULT__DATASOURCE");
        if (datasource != null) {
            assertThat(effectiveValue(datasource)).isEqualTo("login-methods");
        }
        assertThat(effectiveValue(keycloak.get("KC_SPI_LOGIN_METHOD_STORE__DEFAULT__IDENTIFICATION_FORMAT")))
                .isIn("e164", "national");
    }

    @Test
    @DisplayName("grants the datasource user XA_RECOVER_ADMIN, which Keycloak's XA recovery needs on MySQL 8")
    void xaRecoverGrant() throws IOException {
        String grants = volumes("mysql").stream()
                .filter(volume -> volume.contains("/docker-entrypoint-initdb.d/02-grants.sql"))
                .map(volume -> volume.split(":")[0])
                .findFirst().orElseThrow();
        assertThat(Files.readString(root.resolve(grants)))
                .contains("GRANT XA_RECOVER_ADMIN ON *.* TO '" + environment("mysql").get("MYSQL_USER") + "'@'%'");
    }

    @Test
    @DisplayName("the login-methods pool checks connections that rested before lending them (conf/quarkus.properties, as docs/operations.md recommends)")
    void poolChecksRestedConnections() throws IOException {
        String properties = volumes("keycloak").stream()
                .filter(volume -> volume.endsWith(":/opt/keycloak/conf/quarkus.properties:ro"))
                .map(volume -> volume.split(":")[0])
                .findFirst().orElseThrow();
        assertThat(Files.readString(root.resolve(properties)))
                .containsPattern("(?m)^quarkus\\.datasource\\.\"login-methods\"\\.jdbc\\.foreground-validation-interval=\\S+");
    }

    @Test
    @DisplayName("starts Keycloak only when Redis and MySQL report healthy, and points the code store at that Redis")
    void waitsForHealthyDependencies() {
        assertThat(service("keycloak").get("depends_on")).as("depends_on").isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> dependsOn =
                (Map<String, Map<String, Object>>) service("keycloak").get("depends_on");
        for (String name : List.of("redis", "mysql")) {
            assertThat(dependsOn).as("depends_on").containsKey(name);
            assertThat(dependsOn.get(name)).as("depends_on " + name).containsEntry("condition", "service_healthy");
            assertThat(service(name)).as(name).containsKey("healthcheck");
        }
        assertThat(environment("keycloak"))
                .containsEntry("KC_SPI_SMS_CODE_STORE__PROVIDER", "redis")
                .containsEntry("KC_SPI_SMS_CODE_STORE__REDIS__URL", "redis://redis:6379/0");
    }

    // ---- helpers

    @SuppressWarnings("unchecked")
    static Map<String, Object> service(String name) {
        Map<String, Object> service = (Map<String, Object>) services.get(name);
        assertThat(service).as("service " + name).isNotNull();
        return service;
    }

    /** Short-syntax volumes as strings; long-syntax ones as {@code source:target[:ro]}. */
    static List<String> volumes(String name) {
        List<String> volumes = new ArrayList<>();
        Object list = service(name).get("volumes");
        if (list instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> map) {
                    volumes.add(map.get("source") + ":" + map.get("target")
                            + (Boolean.TRUE.equals(map.get("read_only")) ? ":ro" : ""));
                } else {
                    volumes.add(String.valueOf(entry));
                }
            }
        }
        return volumes;
    }

    /** The environment in either compose form (map, or list of NAME=value), values as strings. */
    static Map<String, String> environment(String name) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object value = service(name).get("environment");
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> environment.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (value instanceof List<?> list) {
            for (Object entry : list) {
                String[] pair = String.valueOf(entry).split("=", 2);
                environment.put(pair[0], pair.length == 2 ? pair[1] : null);
            }
        }
        return environment;
    }

    static Map<String, String> spiVariables() {
        Map<String, String> spi = new LinkedHashMap<>();
        environment("keycloak").forEach((key, value) -> {
            if (key.startsWith(SPI_PREFIX)) {
                spi.put(key, value);
            }
        });
        return spi;
    }

    /** {@code SMS_SENDER} -> {@code sms-sender}: Keycloak's env form back to the option form. */
    static String optionName(String envPart) {
        return envPart.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The value compose passes when the variable is not set: the literal, or the {@code ${VAR:-default}} default. */
    static String effectiveValue(String value) {
        if (value == null) {
            return null;
        }
        Matcher variable = VARIABLE.matcher(value);
        if (variable.matches()) {
            return variable.group(2) == null ? "" : variable.group(2);
        }
        return value;
    }
}
