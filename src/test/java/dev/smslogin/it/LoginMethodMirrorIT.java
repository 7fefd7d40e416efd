package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.TcpProxy;
import dev.smslogin.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.UserRepresentation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.createUser;
import static dev.smslogin.it.AdminSteps.events;
import static dev.smslogin.it.AdminSteps.user;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static dev.smslogin.it.UserSteps.logIn;
import static dev.smslogin.it.UserSteps.submitCode;
import static dev.smslogin.it.UserSteps.submitPhone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app's MySQL mirror on the real Keycloak: the {@code login-methods} additional datasource (XA) on the
 * machine's MariaDB, reached through a link the tests can cut.
 */
class LoginMethodMirrorIT {

    static KeycloakServer server;
    static Keycloak admin;
    static TestDatabase app;
    static String realm;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = server.adminClient();
        app = server.appDatabase();
        realm = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1",
                "maxSendsPerPhonePerHour", "20", "maxSendsPerPhonePerDay", "20"));
    }

    @AfterAll
    static void drop() {
        admin.realm(realm).remove();
    }

    static long loginRows(String identification) {
        return app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'P' AND identification = '" + identification + "'");
    }

    static long appUserIdOf(String identification) {
        return app.count("SELECT user_id FROM user_login_method WHERE login_method = 'P' AND identification = '" + identification + "'");
    }

    static UserRepresentation onlyUser(String e164) {
        List<UserRepresentation> users = usersWithPhone(admin.realm(realm), e164);
        assertThat(users).hasSize(1);
        return user(admin, realm, users.get(0).getId());
    }


    @Test
    @DisplayName("a returning number's login reads the app's MySQL once and writes nothing")
    void returningLoginIsOneLookup() {
        String national = Phones.newNational();
        logIn(server, realm, national);
        sleep(1100);
        logIn(server, realm, national);    // the pool holds a connection: opening one runs the driver's own SELECT
        sleep(1100);
        try (TestDatabase.StatementCounters counters = new TestDatabase.StatementCounters()) {
            Map<String, Long> before = counters.read();
            logIn(server, realm, national);
            Map<String, Long> after = counters.read();

            assertThat(after.get("Com_select") - before.get("Com_select")).as("SELECTs").isEqualTo(1);
            for (String write : List.of("Com_insert", "Com_update", "Com_delete", "Com_replace")) {
                assertThat(after.get(write) - before.get(write)).as(write).isZero();
            }
        }
    }

    @Test
    @DisplayName("a new number: a new user row, a 'P' login row in E.164, a Keycloak user linked by appUserId, REGISTER with the app user id")
    void newNumber() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        logIn(server, realm, national);

        assertThat(loginRows(e164)).isEqualTo(1);
        long appUserId = appUserIdOf(e164);
        assertThat(app.count("SELECT COUNT(*) FROM `user` WHERE id = " + appUserId)).isEqualTo(1);
        UserRepresentation user = onlyUser(e164);
        assertThat(user.firstAttribute("appUserId")).isEqualTo(String.valueOf(appUserId));
        assertThat(events(admin.realm(realm), "REGISTER")).anySatisfy(e -> {
            assertThat(e.getUserId()).isEqualTo(user.getId());
            assertThat(e.getDetails().get("app_user_id")).isEqualTo(String.valueOf(appUserId));
        });
    }

    @Test
    @DisplayName("the original app's row (national number) and no Keycloak user: a Keycloak user linked to it, no new row")
    void originalAppRow() {
        String national = Phones.newNational();
        app.execute("INSERT INTO `user` (name, age) VALUES ('老用户', 30)");
        long appUserId = app.count("SELECT MAX(id) FROM `user`");
        app.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + appUserId + ", 'P', '" + national + "')");
        long usersBefore = app.count("SELECT COUNT(*) FROM `user`");

        logIn(server, realm, national);

        assertThat(onlyUser(Phones.e164(national)).firstAttribute("appUserId")).isEqualTo(String.valueOf(appUserId));
        assertThat(app.count("SELECT COUNT(*) FROM `user`")).isEqualTo(usersBefore);
        assertThat(loginRows(national)).isEqualTo(1);
        assertThat(loginRows(Phones.e164(national))).isZero();
    }

    @Test
    @DisplayName("a Keycloak user holding the number but no app row: the row is written and appUserId set")
    void keycloakUserWithoutAppRow() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        String userId = createUser(admin.realm(realm), "existing-" + national, Map.of("phoneNumber", e164, "phoneNumberVerified", "true"));

        assertThat(logIn(server, realm, national)).isEqualTo(userId);

        assertThat(loginRows(e164)).isEqualTo(1);
        assertThat(user(admin, realm, userId).firstAttribute("appUserId")).isEqualTo(String.valueOf(appUserIdOf(e164)));
    }

    @Test
    @DisplayName("a linked Keycloak user whose app row is gone: the row comes back for the same app user")
    void repairsMissingAppRow() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        logIn(server, realm, national);
        long appUserId = appUserIdOf(e164);
        app.execute("DELETE FROM user_login_method WHERE identification = '" + e164 + "'");

        sleep(1100);
        logIn(server, realm, national);

        assertThat(appUserIdOf(e164)).isEqualTo(appUserId);
        assertThat(app.count("SELECT COUNT(*) FROM `user` WHERE id = " + appUserId)).isEqualTo(1);
    }

    @Test
    @DisplayName("10 sessions finish the first login of one new number at once: one Keycloak user, one user row, one login row")
    void concurrentFirstLogins() throws Exception {
        String national = Phones.newNational();
        // the name holds only the last four digits: other tests may have left a row of that name without a login row
        String orphans = "SELECT COUNT(*) FROM `user` u WHERE u.name = '手机用户" + national.substring(7)
                + "' AND NOT EXISTS (SELECT 1 FROM user_login_method m WHERE m.user_id = u.id)";
        long orphansBefore = app.count(orphans);
        String e164 = Phones.e164(national);
        int sessions = 10;
        List<Browser> browsers = new ArrayList<>();
        List<Page> codePages = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            Browser browser = new Browser(server);
            Page codePage = submitPhone(browser, realm, national);
            assertThat(server.aliyun().messagesTo(national)).hasSize(i + 1);
            browsers.add(browser);
            codePages.add(codePage);
            codes.add(server.aliyun().lastCodeTo(national));
            sleep(1100);
        }
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Page> results = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Page>> futures = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return submitCode(browsers.get(n), codePages.get(n), codes.get(n));
                }));
            }
            go.countDown();
            for (Future<Page> f : futures) {
                results.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(results).filteredOn(Page::isRedirectToClient).as("at least the first login succeeds").isNotEmpty();
        assertThat(usersWithPhone(admin.realm(realm), e164)).hasSize(1);
        assertThat(loginRows(e164)).isEqualTo(1);
        assertThat(app.count(orphans)).as("no orphan user rows").isEqualTo(orphansBefore);
        String linked = onlyUser(e164).firstAttribute("appUserId");
        assertThat(linked).isEqualTo(String.valueOf(appUserIdOf(e164)));
        long loggedIn = results.stream().filter(Page::isRedirectToClient).count();
        System.out.printf("concurrent first logins: %d of %d sessions logged in as the one user, %d were asked to try again%n",
                loggedIn, sessions, sessions - loggedIn);
    }

    @Test
    @DisplayName("a login that fails after the app rows were written leaves no app row")
    void failureAfterMysqlWriteRollsBack() {
        // usernameFormat=phone: the test can predict the usernames a new number gets
        String phoneNames = createExampleRealm(admin, Map.of("usernameFormat", "phone"));
        try {
            String national = Phones.newNational();
            String e164 = Phones.e164(national);
            // users holding the E.164 username and every fallback (+86...-2 to -20) but not the number: creating the
            // phone user collides after the app's row was written
            createUser(admin.realm(phoneNames), e164, Map.of());
            for (int n = 2; n <= 20; n++) {
                createUser(admin.realm(phoneNames), e164 + "-" + n, Map.of());
            }
            long usersBefore = app.count("SELECT COUNT(*) FROM `user`");

            Browser browser = new Browser(server);
            Page after = submitCode(browser, submitPhone(browser, phoneNames, national), server.aliyun().lastCodeTo(national));

            assertThat(after.isRedirectToClient()).isFalse();
            assertThat(after.text()).contains("temporarily unavailable");
            assertThat(loginRows(e164)).isZero();
            assertThat(app.count("SELECT COUNT(*) FROM `user`")).isEqualTo(usersBefore);
            assertThat(usersWithPhone(admin.realm(phoneNames), e164)).isEmpty();
        } finally {
            admin.realm(phoneNames).remove();
        }
    }

    @Test
    @DisplayName("a failed app write leaves no Keycloak user")
    void failedMysqlWriteLeavesNoKeycloakUser() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        String trigger = "reject_" + national;
        app.execute("CREATE TRIGGER " + trigger + " BEFORE INSERT ON user_login_method FOR EACH ROW "
                + "BEGIN IF NEW.identification = '" + e164 + "' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'rejected'; END IF; END");
        // the name holds only the last four digits: another test's number may have given one before
        String sameName = "SELECT COUNT(*) FROM `user` WHERE name = '手机用户" + national.substring(7) + "'";
        long before = app.count(sameName);
        try {
            Browser browser = new Browser(server);
            Page after = submitCode(browser, submitPhone(browser, realm, national), server.aliyun().lastCodeTo(national));
            assertThat(after.isRedirectToClient()).isFalse();
            assertThat(after.text()).contains("temporarily unavailable");
            assertThat(usersWithPhone(admin.realm(realm), e164)).isEmpty();
            assertThat(app.count(sameName)).as("no user row of the number").isEqualTo(before);
        } finally {
            app.execute("DROP TRIGGER " + trigger);
        }
    }

    @Test
    @DisplayName("MySQL unreachable: a new number gets 'try again later' and nothing is written; a linked user still logs in; back without restart")
    void mysqlDownAndBack() throws Exception {
        String linkedNational = Phones.newNational();
        String linkedUserId = logIn(server, realm, linkedNational);
        String unlinkedNational = Phones.newNational();
        createUser(admin.realm(realm), "unlinked-" + unlinkedNational, Map.of("phoneNumber", Phones.e164(unlinkedNational), "phoneNumberVerified", "true"));
        String newNational = Phones.newNational();

        server.dependencies().appDatabaseLink().cut();
        try {
            Browser browser = new Browser(server);
            Page refused = submitCode(browser, submitPhone(browser, realm, newNational), server.aliyun().lastCodeTo(newNational));
            assertThat(refused.isRedirectToClient()).isFalse();
            assertThat(refused.text()).contains("Sign-in by text message is temporarily unavailable. Try again in a moment.");
            assertThat(refused.body()).doesNotContain("Exception").doesNotContain("SQLState");
            assertThat(usersWithPhone(admin.realm(realm), Phones.e164(newNational))).isEmpty();

            Browser unlinked = new Browser(server);
            Page unlinkedRefused = submitCode(unlinked, submitPhone(unlinked, realm, unlinkedNational), server.aliyun().lastCodeTo(unlinkedNational));
            assertThat(unlinkedRefused.isRedirectToClient()).as("an unlinked user needs the link written").isFalse();

            sleep(1100);
            assertThat(logIn(server, realm, linkedNational)).as("a linked user logs in").isEqualTo(linkedUserId);
        } finally {
            server.dependencies().appDatabaseLink().restore();
        }
        assertThat(loginRows(Phones.e164(newNational))).isZero();

        sleep(1100);
        logIn(server, realm, newNational);
        assertThat(loginRows(Phones.e164(newNational))).isEqualTo(1);
        assertThat(onlyUser(Phones.e164(newNational)).firstAttribute("appUserId")).isEqualTo(String.valueOf(appUserIdOf(Phones.e164(newNational))));
    }

    @Test
    @DisplayName("MySQL restarted under a pool grown by 12 concurrent first logins: the first login after it and the next ten succeed")
    void mysqlRestartWithWarmPool() throws Exception {
        TcpProxy link = server.dependencies().appDatabaseLink();
        int sessions = 12;
        List<Browser> browsers = new ArrayList<>();
        List<Page> codePages = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            codePages.add(submitPhone(browser, realm, national));
            browsers.add(browser);
            codes.add(server.aliyun().lastCodeTo(national));
        }
        List<Page> grown = submitCodesAtOnce(browsers, codePages, codes);
        assertThat(grown).as("concurrent first logins of distinct numbers").allMatch(Page::isRedirectToClient);
        int pooled = link.openConnections();
        System.out.printf("MySQL restart: %d connections pooled before the restart%n", pooled);
        assertThat(pooled).as("the login-methods pool grew beyond one connection").isGreaterThan(1);

        link.cut();         // MySQL goes away: every pooled connection is reset
        link.restore();     // and comes back; the pool still holds the dead connections

        for (int i = 1; i <= 11; i++) {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page after = submitCode(browser, submitPhone(browser, realm, national), server.aliyun().lastCodeTo(national));
            assertThat(after.isRedirectToClient()).as("first login number %d after the restart: %s", i, after.text()).isTrue();
            assertThat(loginRows(Phones.e164(national))).isEqualTo(1);
        }
    }

    /** Each browser types its code on its code page, all at once; the pages they end on, in order. */
    static List<Page> submitCodesAtOnce(List<Browser> browsers, List<Page> codePages, List<String> codes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(browsers.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Page>> futures = new ArrayList<>();
            for (int i = 0; i < browsers.size(); i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return submitCode(browsers.get(n), codePages.get(n), codes.get(n));
                }));
            }
            go.countDown();
            List<Page> results = new ArrayList<>();
            for (Future<Page> f : futures) {
                results.add(f.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
