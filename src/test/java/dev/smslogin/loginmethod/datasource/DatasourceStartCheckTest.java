package dev.smslogin.loginmethod.datasource;

import dev.smslogin.testing.LocalPorts;
import dev.smslogin.testing.LogCapture;
import dev.smslogin.testing.MapScope;
import dev.smslogin.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the login-method store says at start about the app's database, on the real MariaDB: one line for what it found,
 * a warning for what keeps new numbers from logging in. Nothing stops the start.
 */
class DatasourceStartCheckTest {

    private static final String MIRRORING = "SMS login: mirroring phone accounts in datasource 'login-methods' "
            + "(identification format E164, national region CN)";

    private TestDatabase db;
    private final List<String> users = new ArrayList<>();

    @BeforeEach
    void database() {
        db = TestDatabase.create();
    }

    @AfterEach
    void drop() {
        users.forEach(user -> db.execute("DROP USER IF EXISTS '" + user + "'@'%'"));
        db.close();
    }

    /** What a start logs with the app's database reached as {@code user}. */
    private LogCapture start(String user, String password) {
        return start(db.url(), user, password);
    }

    private LogCapture start(String url, String user, String password) {
        DatasourceLoginMethodStoreFactory factory = new DatasourceLoginMethodStoreFactory();
        factory.init(MapScope.of(Map.of()));
        LogCapture log = LogCapture.of(DatasourceLoginMethodStoreFactory.class);
        try {
            factory.checkAtStart(() -> DriverManager.getConnection(url, user, password));
        } finally {
            log.close();
        }
        return log;
    }

    /** A user of this database with the privileges the README asks for when a DBA creates the tables: no CREATE. */
    private String userWithoutCreate() {
        String user = "sms_start_" + UUID.randomUUID().toString().substring(0, 8);
        users.add(user);
        db.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw-" + user + "'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON `" + db.name() + "`.* TO '" + user + "'@'%'");
        return user;
    }

    private List<String> tables() {
        return db.strings("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + db.name() + "' ORDER BY table_name");
    }

    @Test
    @DisplayName("an empty database: both tables created, said in the one start line")
    void createsWhatIsMissing() {
        LogCapture log = start(TestDatabase.USER, TestDatabase.PASSWORD);
        assertThat(log.warnings()).isEmpty();
        assertThat(log.infos()).containsExactly(MIRRORING + "; created the missing table(s) user, user_login_method");
        assertThat(tables()).containsExactly("user", "user_login_method");
    }

    @Test
    @DisplayName("one table missing: only that one is created")
    void createsOnlyWhatIsMissing() {
        db.execute("CREATE TABLE `user` (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, age INT NOT NULL)");
        LogCapture log = start(TestDatabase.USER, TestDatabase.PASSWORD);
        assertThat(log.warnings()).isEmpty();
        assertThat(log.infos()).containsExactly(MIRRORING + "; created the missing table(s) user_login_method");
    }

    @Test
    @DisplayName("tables a DBA created, a datasource user without CREATE (as the README allows): no warning")
    void tablesOfADbaNeedNoCreatePrivilege() {
        LoginMethodTables.schemaStatements().forEach(db::execute);
        String user = userWithoutCreate();
        LogCapture log = start(user, "pw-" + user);
        assertThat(log.warnings()).isEmpty();
        assertThat(log.infos()).containsExactly(MIRRORING);
    }

    @Test
    @DisplayName("tables missing and the user may not create them: one warning naming them, the SQL file and the privilege")
    void missingTablesThatCannotBeCreated() {
        String user = userWithoutCreate();
        LogCapture log = start(user, "pw-" + user);
        assertThat(log.warnings()).singleElement().asString()
                .startsWith("SMS login: table(s) user, user_login_method missing in datasource 'login-methods' and could not be "
                        + "created (SQLState 42000, error 1142: CREATE command denied to user")
                .endsWith("new numbers, and users not yet linked to an app user, cannot log in. Create them with "
                        + "sql/login-methods-mysql.sql (in the jar), or grant the datasource's user CREATE on the database and "
                        + "restart Keycloak.");
        assertThat(log.infos()).isEmpty();
        assertThat(tables()).isEmpty();
    }

    @Test
    @DisplayName("the original app's tables without the unique key: a warning with the ALTER TABLE, and mirroring goes on")
    void missingUniqueKey() {
        db.execute("CREATE TABLE `user` (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, age INT NOT NULL)",
                "CREATE TABLE user_login_method (id INT AUTO_INCREMENT PRIMARY KEY, user_id INT NOT NULL, login_method VARCHAR(36) "
                        + "NOT NULL, identification VARCHAR(36) NOT NULL, access_code VARCHAR(36) NULL)");
        LogCapture log = start(TestDatabase.USER, TestDatabase.PASSWORD);
        assertThat(log.warnings()).singleElement().asString().contains("has no unique key on (login_method, identification)")
                .endsWith("ALTER TABLE user_login_method ADD UNIQUE KEY uk_user_login_method_identification (login_method, identification)");
        assertThat(log.infos()).containsExactly(MIRRORING);
    }

    @Test
    @DisplayName("nothing listening, or a wrong password: one warning that says so, without the password")
    void cannotConnect() throws Exception {
        LogCapture closed = start("jdbc:mysql://127.0.0.1:" + LocalPorts.free() + "/app", "keycloak_sms", "s3cret-pw");
        assertThat(closed.warnings()).singleElement().asString()
                .startsWith("SMS login: cannot connect to the app database of datasource 'login-methods' at start (SQLState 08S01, "
                        + "error 0: Communications link failure): new numbers, and users not yet linked to an app user, get "
                        + "'temporarily unavailable' until it answers (linked users log in)");

        String user = userWithoutCreate();
        LogCapture refused = start(user, "not-the-pw-s3cret");
        assertThat(refused.warnings()).singleElement().asString()
                .startsWith("SMS login: cannot connect to the app database of datasource 'login-methods' at start (SQLState 28000, "
                        + "error 1045: Access denied for user '" + user + "'")
                .doesNotContain("s3cret");
        assertThat(closed.lines()).noneMatch(line -> line.contains("s3cret"));
    }

    @Test
    @DisplayName("no such datasource: the warning names the additional datasources Keycloak has, if any")
    void notConfigured() {
        assertThat(DatasourceLoginMethodStoreFactory.notConfigured("login-methods", Set.of("<default>")))
                .isEqualTo("SMS login: no datasource 'login-methods' is configured, so phone accounts are NOT mirrored in the "
                        + "app's user / user_login_method tables. To mirror them, set --db-kind-login-methods=mysql (build time), "
                        + "--db-url-full-login-methods, --db-username-login-methods, --db-password-login-methods.");
        assertThat(DatasourceLoginMethodStoreFactory.notConfigured("login-methods", Set.of("<default>", "app")))
                .endsWith("--db-password-login-methods. Keycloak has the additional datasource(s) 'app': if one holds the app's "
                        + "tables, set --spi-login-method-store--default--datasource to its name.");
    }
}
