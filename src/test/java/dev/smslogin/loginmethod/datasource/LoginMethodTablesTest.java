package dev.smslogin.loginmethod.datasource;

import dev.smslogin.loginmethod.AppAccount;
import dev.smslogin.loginmethod.IdentificationFormat;
import dev.smslogin.loginmethod.IdentityLogin;
import dev.smslogin.loginmethod.IdentityTakenException;
import dev.smslogin.loginmethod.PhoneNumberTakenException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The app's tables on the real MariaDB: each login is one transaction, as inside Keycloak. */
class LoginMethodTablesTest {

    private static final PhoneNumber PHONE = PhoneNumber.fromE164("+8613912345678");
    private static final IdentificationFormat E164 = IdentificationFormat.parse("e164", "CN");
    private static final IdentificationFormat NATIONAL = IdentificationFormat.parse("national", "CN");
    private TestDatabase db;

    @BeforeEach
    void database() {
        db = TestDatabase.create();
    }

    @AfterEach
    void drop() {
        db.close();
    }

    private void createTables() throws SQLException {
        try (Connection c = db.connect()) {
            LoginMethodTables.createMissingTables(c);
        }
    }

    private AppAccount inTransaction(IdentificationFormat format, Long existingUserId) throws SQLException {
        return inTransaction(format, PHONE, existingUserId);
    }

    private AppAccount inTransaction(IdentificationFormat format, PhoneNumber phone, Long existingUserId) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            AppAccount account = new LoginMethodTables(format).ensureAccount(c, phone, existingUserId);
            c.commit();
            return account;
        }
    }

    @Test
    @DisplayName("missing tables are created with the unique key; running it again changes nothing")
    void createsMissingTables() throws SQLException {
        createTables();
        createTables();
        try (Connection c = db.connect()) {
            assertThat(LoginMethodTables.hasUniqueIdentificationKey(c)).isTrue();
        }
    }

    @Test
    @DisplayName("the original app's tables and rows (national numbers, no unique key) are used as they are")
    void originalAppTables() throws SQLException {
        db.execute(
                "CREATE TABLE `user` (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, age INT NOT NULL)",
                "CREATE TABLE user_login_method (id INT AUTO_INCREMENT PRIMARY KEY, user_id INT NOT NULL, login_method VARCHAR(36) NOT NULL, identification VARCHAR(36) NOT NULL, access_code VARCHAR(36) NULL)",
                "INSERT INTO `user` (name, age) VALUES ('nickname', 20)",
                "INSERT INTO user_login_method (user_id, login_method, identification) VALUES (1, 'WX', 'wx-openid-1'), (1, 'P', '13912345678')");
        createTables();
        try (Connection c = db.connect()) {
            assertThat(LoginMethodTables.hasUniqueIdentificationKey(c)).as("left as it was").isFalse();
        }
        AppAccount account = inTransaction(E164, null);
        assertThat(account).isEqualTo(new AppAccount(1, false));
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method")).isEqualTo(2);
        assertThat(db.count("SELECT COUNT(*) FROM `user`")).isEqualTo(1);
    }

    @Test
    @DisplayName("a new number gets one user row and one login row, in the configured format")
    void newNumber() throws SQLException {
        createTables();
        AppAccount e164 = inTransaction(E164, null);
        assertThat(e164.created()).isTrue();
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'P' AND identification = '+8613912345678' AND user_id = " + e164.userId())).isEqualTo(1);
        assertThat(db.count("SELECT COUNT(*) FROM `user` WHERE name = '手机用户5678' AND id = " + e164.userId())).isEqualTo(1);
        assertThat(inTransaction(NATIONAL, null)).as("found in the other format too").isEqualTo(new AppAccount(e164.userId(), false));
    }

    @Test
    @DisplayName("finding a number's app user reads the unique key (login_method, identification), not the table")
    void lookupUsesTheUniqueKey() throws SQLException {
        createTables();
        for (int i = 0; i < 200; i++) {
            db.execute("INSERT INTO `user` (name, age) VALUES ('u', 0)",
                    "INSERT INTO user_login_method (user_id, login_method, identification) VALUES (LAST_INSERT_ID(), 'P', '+86139" + (10000000 + i) + "')");
        }
        try (Connection c = db.connect(); PreparedStatement explain = c.prepareStatement("EXPLAIN " + LoginMethodTables.FIND)) {
            explain.setString(1, "P");
            explain.setString(2, PHONE.e164());
            explain.setString(3, PHONE.nationalNumber());
            explain.setString(4, PHONE.e164());
            try (ResultSet plan = explain.executeQuery()) {
                assertThat(plan.next()).isTrue();
                assertThat(plan.getString("key")).isEqualTo("uk_user_login_method_identification");
                assertThat(plan.getString("type")).isIn("const", "eq_ref", "ref", "range");
                assertThat(plan.getLong("rows")).isLessThanOrEqualTo(2);
                assertThat(plan.next()).as("one table read").isFalse();
            }
        }
    }

    @Test
    void nationalFormatWritesElevenDigits() throws SQLException {
        createTables();
        inTransaction(NATIONAL, null);
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method WHERE identification = '13912345678'")).isEqualTo(1);
        assertThat(inTransaction(E164, null).created()).isFalse();
    }

    @Test
    @DisplayName("a Keycloak user already linked to an app user whose login row is missing gets the row back")
    void repairsMissingLoginRow() throws SQLException {
        createTables();
        db.execute("INSERT INTO `user` (id, name, age) VALUES (42, 'someone', 30)");
        assertThat(inTransaction(E164, 42L)).isEqualTo(new AppAccount(42, false));
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method WHERE user_id = 42")).isEqualTo(1);
        assertThat(db.count("SELECT COUNT(*) FROM `user`")).isEqualTo(1);
    }

    @Test
    @DisplayName("a rolled-back login leaves no row")
    void rollbackLeavesNothing() throws SQLException {
        createTables();
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            new LoginMethodTables(E164).ensureAccount(c, PHONE, null);
            c.rollback();
        }
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method")).isZero();
        assertThat(db.count("SELECT COUNT(*) FROM `user`")).isZero();
    }

    @Test
    @DisplayName("10 concurrent first logins of one number: one user row, one login row, all see the same user id")
    void race() throws Exception {
        createTables();
        int sessions = 10;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<AppAccount>> results = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return inTransaction(E164, null);
                }));
            }
            start.countDown();
            List<AppAccount> accounts = new ArrayList<>();
            for (Future<AppAccount> f : results) {
                accounts.add(f.get());
            }
            assertThat(accounts).extracting(AppAccount::userId).containsOnly(accounts.get(0).userId());
            assertThat(accounts).filteredOn(AppAccount::created).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method")).isEqualTo(1);
        assertThat(db.count("SELECT COUNT(*) FROM `user`")).isEqualTo(1);
    }

    @Test
    @DisplayName("a foreign number whose national digits are a mainland row's is not linked to that row's app user")
    void foreignNumberIsNotTheMainlandRow() throws SQLException {
        createTables();
        db.execute("INSERT INTO `user` (name, age) VALUES ('老用户', 30)",
                "INSERT INTO user_login_method (user_id, login_method, identification) VALUES (1, 'P', '15123456789')");
        PhoneNumber german = PhoneNumber.fromE164("+4915123456789");
        assertThat(german.nationalNumber()).as("the same digits, libphonenumber agrees").isEqualTo("15123456789");
        for (IdentificationFormat format : List.of(E164, NATIONAL)) {
            AppAccount account = inTransaction(format, german, null);
            assertThat(account.userId()).as(format.format().name()).isNotEqualTo(1);
        }
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method WHERE identification = '+4915123456789'")).isEqualTo(1);
        assertThat(inTransaction(E164, PhoneNumber.fromE164("+8615123456789"), null)).as("the mainland number finds its row")
                .isEqualTo(new AppAccount(1, false));
    }

    @Test
    @DisplayName("with identification-format=national, numbers of other regions are written in E.164: Hong Kong and Macau never collide")
    void nationalFormOnlyForTheNationalRegion() throws SQLException {
        createTables();
        PhoneNumber hongKong = PhoneNumber.fromE164("+85266123456");
        PhoneNumber macau = PhoneNumber.fromE164("+85366123456");
        AppAccount first = inTransaction(NATIONAL, hongKong, null);
        AppAccount second = inTransaction(NATIONAL, macau, null);
        assertThat(second.userId()).isNotEqualTo(first.userId());
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method WHERE identification IN ('+85266123456', '+85366123456')")).isEqualTo(2);
        assertThat(inTransaction(NATIONAL, PHONE, null).created()).isTrue();
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method WHERE identification = '13912345678'")).as("mainland: national").isEqualTo(1);
        IdentificationFormat hongKongRows = IdentificationFormat.parse("national", "HK");
        assertThat(hongKongRows.write(hongKong)).isEqualTo("66123456");
        assertThat(hongKongRows.candidates(macau)).containsExactly("+85366123456");
    }

    @Test
    void displayNameNeverHoldsTheWholeNumber() {
        assertThat(LoginMethodTables.displayName(PHONE)).isEqualTo("手机用户5678").hasSizeLessThanOrEqualTo(20);
    }

    // --- number changes (lifecycle) ---

    private static final PhoneNumber NEW = PhoneNumber.fromE164("+8613987654321");

    private interface InTransaction {
        void run(LoginMethodTables tables, Connection c) throws SQLException;
    }

    private void change(IdentificationFormat format, InTransaction change) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                change.run(new LoginMethodTables(format), c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** App user 7 with a WeChat row and the phone row {@code identification}; returns the phone row's id. */
    private long appUserWithPhoneRow(long userId, String identification) throws SQLException {
        createTables();
        db.execute("INSERT INTO `user` (id, name, age) VALUES (" + userId + ", 'someone', 30)",
                "INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + userId + ", 'WX', 'wx-openid-" + userId + "')",
                "INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + userId + ", 'P', '" + identification + "')");
        return db.count("SELECT id FROM user_login_method WHERE login_method = 'P' AND identification = '" + identification + "'");
    }

    private List<String> phoneRowsOf(long userId) {
        return db.strings("SELECT identification FROM user_login_method WHERE login_method = 'P' AND user_id = " + userId + " ORDER BY id");
    }

    @Test
    @DisplayName("syncPhone to a new number moves the app user's phone row (same row); its WeChat row and user row stay")
    void syncMovesTheRow() throws SQLException {
        long rowId = appUserWithPhoneRow(7, PHONE.e164());
        change(E164, (t, c) -> t.syncPhone(c, 7, NEW));
        assertThat(phoneRowsOf(7)).containsExactly(NEW.e164());
        assertThat(db.count("SELECT id FROM user_login_method WHERE identification = '" + NEW.e164() + "'")).isEqualTo(rowId);
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND user_id = 7")).isEqualTo(1);
        assertThat(db.count("SELECT COUNT(*) FROM `user` WHERE id = 7")).isEqualTo(1);
    }

    @Test
    @DisplayName("syncPhone in the national format: the original app's 11-digit row moves to the new number's 11 digits")
    void syncNationalRow() throws SQLException {
        appUserWithPhoneRow(7, PHONE.nationalNumber());
        change(NATIONAL, (t, c) -> t.syncPhone(c, 7, NEW));
        assertThat(phoneRowsOf(7)).containsExactly(NEW.nationalNumber());
        change(E164, (t, c) -> t.syncPhone(c, 7, NEW));
        assertThat(phoneRowsOf(7)).as("already named, in the other form: nothing to do").containsExactly(NEW.nationalNumber());
    }

    @Test
    @DisplayName("syncPhone with no number deletes only the phone rows; the user row and the WeChat row stay")
    void syncClearDeletesOnlyThePhoneRow() throws SQLException {
        appUserWithPhoneRow(7, PHONE.e164());
        db.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (7, 'P', '+8613700000000')");
        change(E164, (t, c) -> t.syncPhone(c, 7, null));
        assertThat(phoneRowsOf(7)).isEmpty();
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND user_id = 7")).isEqualTo(1);
        assertThat(db.count("SELECT COUNT(*) FROM `user` WHERE id = 7")).isEqualTo(1);
    }

    @Test
    @DisplayName("syncPhone leaves the app user one phone row: the number's, extra rows of other numbers are deleted")
    void syncKeepsOneRow() throws SQLException {
        appUserWithPhoneRow(7, PHONE.e164());
        db.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (7, 'P', '" + NEW.e164() + "')");
        change(E164, (t, c) -> t.syncPhone(c, 7, NEW));
        assertThat(phoneRowsOf(7)).containsExactly(NEW.e164());
    }

    @Test
    @DisplayName("syncPhone and movePhone to a number whose row is another app user's: PhoneNumberTakenException, nothing changed")
    void takenNumberIsRefused() throws SQLException {
        appUserWithPhoneRow(7, PHONE.e164());
        db.execute("INSERT INTO `user` (id, name, age) VALUES (8, 'other', 30)",
                "INSERT INTO user_login_method (user_id, login_method, identification) VALUES (8, 'P', '" + NEW.nationalNumber() + "')");
        for (InTransaction attempt : List.<InTransaction>of((t, c) -> t.syncPhone(c, 7, NEW), (t, c) -> t.movePhone(c, 7, PHONE, NEW))) {
            assertThatThrownBy(() -> change(E164, attempt)).isInstanceOf(PhoneNumberTakenException.class)
                    .hasMessageContaining("+86139****4321").hasMessageNotContaining(NEW.e164()).hasMessageNotContaining(NEW.nationalNumber())
                    .satisfies(e -> assertThat(((PhoneNumberTakenException) e).holderAppUserId()).isEqualTo(8));
        }
        assertThat(phoneRowsOf(7)).containsExactly(PHONE.e164());
        assertThat(phoneRowsOf(8)).containsExactly(NEW.nationalNumber());
    }

    @Test
    @DisplayName("movePhone moves only the row of the old number; with no old number it adds one; removePhone deletes only its row")
    void moveAndRemove() throws SQLException {
        appUserWithPhoneRow(7, PHONE.e164());
        PhoneNumber third = PhoneNumber.fromE164("+8613711112222");
        change(E164, (t, c) -> t.movePhone(c, 7, null, third));
        assertThat(phoneRowsOf(7)).containsExactly(PHONE.e164(), third.e164());
        change(E164, (t, c) -> t.movePhone(c, 7, PHONE, NEW));
        assertThat(phoneRowsOf(7)).containsExactly(NEW.e164(), third.e164());
        change(E164, (t, c) -> t.removePhone(c, 7, third));
        assertThat(phoneRowsOf(7)).containsExactly(NEW.e164());
        change(E164, (t, c) -> t.removePhone(c, 8, NEW));
        assertThat(phoneRowsOf(7)).as("another app user's remove touches nothing of 7").containsExactly(NEW.e164());
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX'")).isEqualTo(1);
    }

    @Test
    @DisplayName("a linked user's login with a number changed where nothing followed: the app user's old row moves to it")
    void loginRepairsAChangedNumber() throws SQLException {
        appUserWithPhoneRow(7, PHONE.e164());
        assertThat(inTransaction(E164, NEW, 7L)).isEqualTo(new AppAccount(7, false));
        assertThat(phoneRowsOf(7)).containsExactly(NEW.e164());
        assertThat(db.count("SELECT COUNT(*) FROM `user`")).isEqualTo(1);
    }

    @Test
    @DisplayName("two app users put on one number at once: one gets the row, the other PhoneNumberTakenException")
    void concurrentChangesToOneNumber() throws Exception {
        appUserWithPhoneRow(7, PHONE.e164());
        db.execute("INSERT INTO `user` (id, name, age) VALUES (8, 'other', 30)",
                "INSERT INTO user_login_method (user_id, login_method, identification) VALUES (8, 'P', '+8613700000000')");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> results = new ArrayList<>();
            for (long userId : new long[] {7, 8}) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        change(E164, (t, c) -> t.syncPhone(c, userId, NEW));
                        return userId;
                    } catch (PhoneNumberTakenException e) {
                        return -e.holderAppUserId();
                    }
                }));
            }
            start.countDown();
            long first = results.get(0).get();
            long second = results.get(1).get();
            assertThat(List.of(first, second)).as("one won, the other was told who").containsAnyOf(7L, 8L)
                    .anySatisfy(r -> assertThat(r).isNegative());
            long winner = first > 0 ? first : second;
            assertThat(db.count("SELECT user_id FROM user_login_method WHERE identification = '" + NEW.e164() + "'")).isEqualTo(winner);
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'P'")).isEqualTo(2);
    }

    // --- brokered identities ('WX' rows) ---

    private static final IdentityLogin WECHAT = IdentityLogin.of("WX", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M");

    private AppAccount identityInTransaction(Long appUserId) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            AppAccount account = new LoginMethodTables(E164).ensureIdentity(c, WECHAT, appUserId, "微信用户");
            c.commit();
            return account;
        }
    }

    @Test
    @DisplayName("an identity without a row gets one for the given app user, or a new app user; its row is then found, and kept")
    void identityRows() throws SQLException {
        createTables();
        AppAccount phoneAccount = inTransaction(E164, null);
        assertThat(identityInTransaction(phoneAccount.userId())).isEqualTo(new AppAccount(phoneAccount.userId(), false));
        assertThat(identityInTransaction(phoneAccount.userId())).as("again: the same row").isEqualTo(new AppAccount(phoneAccount.userId(), false));
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND identification = '" + WECHAT.identification()
                + "' AND user_id = " + phoneAccount.userId())).isEqualTo(1);
        try (Connection c = db.connect()) {
            assertThat(new LoginMethodTables(E164).findUserId(c, WECHAT, false)).hasValue(phoneAccount.userId());
        }
        IdentityLogin other = IdentityLogin.of("WX", "another-openid");
        try (Connection c = db.connect()) {
            AppAccount created = new LoginMethodTables(E164).ensureIdentity(c, other, null, "微信用户");
            assertThat(created.created()).isTrue();
            assertThat(db.count("SELECT COUNT(*) FROM `user` WHERE id = " + created.userId() + " AND name = '微信用户'")).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("an identity whose row is another app user's is refused, nothing written; retaining takes only that app user's rows")
    void identityOfAnotherAppUser() throws SQLException {
        createTables();
        long first = identityInTransaction(null).userId();
        long rows = db.count("SELECT COUNT(*) FROM user_login_method");
        assertThatThrownBy(() -> identityInTransaction(first + 1000)).isInstanceOf(IdentityTakenException.class)
                .hasMessageNotContaining(WECHAT.identification());
        assertThat(db.count("SELECT COUNT(*) FROM user_login_method")).isEqualTo(rows);
        try (Connection c = db.connect()) {
            new LoginMethodTables(E164).retainIdentities(c, "WX", first + 1000, java.util.Set.of());
            assertThat(new LoginMethodTables(E164).findUserId(c, WECHAT, false)).hasValue(first);
            new LoginMethodTables(E164).retainIdentities(c, "WX", first, java.util.Set.of(WECHAT.identification()));
            assertThat(new LoginMethodTables(E164).findUserId(c, WECHAT, false)).hasValue(first);
            new LoginMethodTables(E164).retainIdentities(c, "WX", first, java.util.Set.of());
            assertThat(new LoginMethodTables(E164).findUserId(c, WECHAT, false)).isEmpty();
        }
    }
}
