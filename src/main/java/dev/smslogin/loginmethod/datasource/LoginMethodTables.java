package dev.smslogin.loginmethod.datasource;

import dev.smslogin.loginmethod.AppAccount;
import dev.smslogin.loginmethod.IdentificationFormat;
import dev.smslogin.loginmethod.IdentityLogin;
import dev.smslogin.loginmethod.IdentityTakenException;
import dev.smslogin.loginmethod.PhoneNumberTakenException;
import dev.smslogin.phone.PhoneNumber;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL of the original app's schema ({@code user}, {@code user_login_method}), on a connection the caller
 * owns. Never commits: inside Keycloak the connection belongs to the login's transaction.
 */
final class LoginMethodTables {

    static final String PHONE_METHOD = "P";
    private static final int ER_DUP_ENTRY = 1062;


    /** The app's tables, as the DDL creates them. */
    static final List<String> TABLES = List.of("user", "user_login_method");
    private static final String EXISTING_TABLES = "SELECT `table_name` FROM information_schema.tables "
            + "WHERE `table_schema` = DATABASE() AND `table_name` IN ('user', 'user_login_method')";
    private static final Pattern CREATED_TABLE = Pattern.compile("^CREATE TABLE IF NOT EXISTS `([^`]+)`");

    /** The DDL, shipped in the jar as {@code sql/login-methods-mysql.sql} for DBAs who create the tables themselves. */
    static final String SCHEMA_RESOURCE = "/sql/login-methods-mysql.sql";

    /** A number's app user: one lookup in the unique key (login_method, identification), in each form it may have. */
    static final String FIND = "SELECT `user_id` FROM `user_login_method` WHERE `login_method` = ? AND `identification` IN (?, ?) "
            + "ORDER BY `identification` = ? DESC LIMIT 1";
    /** An identity's app user: one lookup in the unique key (login_method, identification). */
    private static final String FIND_IDENTITY = "SELECT `user_id` FROM `user_login_method` WHERE `login_method` = ? AND `identification` = ?";
    private static final String INSERT_USER = "INSERT INTO `user` (`name`, `age`) VALUES (?, 0)";
    private static final String INSERT_LOGIN_METHOD = "INSERT INTO `user_login_method` (`user_id`, `login_method`, `identification`, `access_code`) VALUES (?, ?, ?, NULL)";
    private static final String DELETE_USER = "DELETE FROM `user` WHERE `id` = ?";
    /**
     * An app user's phone login rows, through the index on user_id. Not a locking read: next-key locks on that
     * index span the neighbouring app users' entries, and two changes of different app users deadlocked on them.
     * The rows are then written by primary key, and the unique key settles who gets a number.
     */
    private static final String OWN_PHONE_ROWS = "SELECT `id`, `identification` FROM `user_login_method` "
            + "WHERE `user_id` = ? AND `login_method` = ? ORDER BY `id`";
    private static final String MOVE_ROW = "UPDATE `user_login_method` SET `identification` = ? WHERE `id` = ?";
    private static final String DELETE_ROW = "DELETE FROM `user_login_method` WHERE `id` = ?";
    private static final String UNIQUE_KEY_COLUMNS = "SELECT `index_name`, GROUP_CONCAT(`column_name` ORDER BY `seq_in_index`) FROM information_schema.statistics "
            + "WHERE `table_schema` = DATABASE() AND `table_name` = 'user_login_method' AND `non_unique` = 0 GROUP BY `index_name`";

    private final IdentificationFormat format;

    LoginMethodTables(IdentificationFormat format) {
        this.format = format;
    }

    /** The app's tables that the connection's database lacks, of {@link #TABLES}. */
    static List<String> missingTables(Connection connection) throws SQLException {
        List<String> missing = new ArrayList<>(TABLES);
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(EXISTING_TABLES)) {
            while (rows.next()) {
                String existing = rows.getString(1);
                missing.removeIf(table -> table.equalsIgnoreCase(existing));
            }
        }
        return missing;
    }

    /**
     * Creates the tables that are missing, and only those: MySQL checks the CREATE privilege also for a table that
     * exists, and a DBA who created the tables need not grant it. Runs outside any transaction.
     *
     * @return the tables created
     */
    static List<String> createMissingTables(Connection connection) throws SQLException {
        List<String> missing = missingTables(connection);
        createTables(connection, missing);
        return missing;
    }

    /** Creates {@code tables} (of {@link #TABLES}) with the DDL of {@link #SCHEMA_RESOURCE}. */
    static void createTables(Connection connection, List<String> tables) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String ddl : schemaStatements()) {
                Matcher table = CREATED_TABLE.matcher(ddl);
                if (!table.find()) {
                    throw new IllegalStateException(SCHEMA_RESOURCE + " holds a statement that creates no table");
                }
                if (tables.contains(table.group(1))) {
                    statement.execute(ddl);
                }
            }
        }
    }

    static List<String> schemaStatements() {
        try (InputStream in = LoginMethodTables.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            return Arrays.stream(sql.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the jar lacks " + SCHEMA_RESOURCE, e);
        }
    }

    /** Whether {@code user_login_method} has the unique key on (login_method, identification) that prevents duplicates. */
    static boolean hasUniqueIdentificationKey(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(UNIQUE_KEY_COLUMNS)) {
            while (rows.next()) {
                if ("login_method,identification".equalsIgnoreCase(rows.getString(2))) {
                    return true;
                }
            }
            return false;
        }
    }

    OptionalLong findUserId(Connection connection, PhoneNumber phone, boolean lock) throws SQLException {
        List<String> candidates = format.candidates(phone);
        // a shared lock: losers of a race all hold one on the winner's row after their duplicate-key error, and
        // shared locks do not wait for each other (FOR UPDATE would deadlock them)
        try (PreparedStatement find = connection.prepareStatement(lock ? FIND + " LOCK IN SHARE MODE" : FIND)) {
            find.setString(1, PHONE_METHOD);
            find.setString(2, candidates.get(0));
            find.setString(3, candidates.get(candidates.size() - 1));
            find.setString(4, candidates.get(0));
            try (ResultSet rows = find.executeQuery()) {
                return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    AppAccount ensureAccount(Connection connection, PhoneNumber phone, Long existingUserId) throws SQLException {
        OptionalLong found = findUserId(connection, phone, false);
        if (found.isPresent()) {
            return new AppAccount(found.getAsLong(), false);
        }
        if (existingUserId != null) {
            // a linked user whose number has no row: its number changed where nothing followed (realm import, a
            // direct edit), so its row of the old number moves, and the old number stops logging into the app user
            try {
                place(connection, existingUserId, phone, row -> true);
                return new AppAccount(existingUserId, false);
            } catch (PhoneNumberTakenException e) {
                return new AppAccount(e.holderAppUserId(), false);
            }
        }
        long userId = insertUser(connection, displayName(phone));
        if (insertLoginMethod(connection, userId, phone)) {
            return new AppAccount(userId, true);
        }
        deleteUser(connection, userId);
        return new AppAccount(winner(connection, phone), false);
    }

    OptionalLong findUserId(Connection connection, IdentityLogin identity, boolean lock) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(lock ? FIND_IDENTITY + " LOCK IN SHARE MODE" : FIND_IDENTITY)) {
            find.setString(1, identity.method());
            find.setString(2, identity.identification());
            try (ResultSet rows = find.executeQuery()) {
                return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** {@link dev.smslogin.loginmethod.LoginMethodStore#ensureIdentity}. */
    AppAccount ensureIdentity(Connection connection, IdentityLogin identity, Long appUserId, String displayName) throws SQLException {
        OptionalLong found = findUserId(connection, identity, false);
        if (found.isPresent()) {
            if (appUserId != null && found.getAsLong() != appUserId) {
                throw new IdentityTakenException(identity, found.getAsLong());
            }
            return new AppAccount(found.getAsLong(), false);
        }
        boolean created = appUserId == null;
        long userId = created ? insertUser(connection, displayName) : appUserId;
        if (insertRow(connection, userId, identity.method(), identity.identification())) {
            return new AppAccount(userId, created);
        }
        // a concurrent link of the same identity committed first
        long winner = findUserId(connection, identity, true)
                .orElseThrow(() -> new SQLException("duplicate identity row reported, but none found"));
        if (created) {
            deleteUser(connection, userId);
        }
        if (appUserId != null && winner != appUserId) {
            throw new IdentityTakenException(identity, winner);
        }
        return new AppAccount(winner, false);
    }

    /** {@link dev.smslogin.loginmethod.LoginMethodStore#retainIdentities}. */
    void retainIdentities(Connection connection, String method, long appUserId, java.util.Set<String> kept) throws SQLException {
        for (PhoneRow row : ownRows(connection, appUserId, method)) {
            if (!kept.contains(row.identification())) {
                deleteRow(connection, row.id());
            }
        }
    }

    /** {@link dev.smslogin.loginmethod.LoginMethodStore#syncPhone}: {@code appUserId}'s only phone row names {@code phone}. */
    void syncPhone(Connection connection, long appUserId, PhoneNumber phone) throws SQLException {
        if (phone == null) {
            for (PhoneRow row : ownPhoneRows(connection, appUserId)) {
                deleteRow(connection, row.id());
            }
            return;
        }
        place(connection, appUserId, phone, row -> true);
    }

    /** {@link dev.smslogin.loginmethod.LoginMethodStore#movePhone}: the row of {@code from}, if any, moves to {@code to}. */
    void movePhone(Connection connection, long appUserId, PhoneNumber from, PhoneNumber to) throws SQLException {
        List<String> fromForms = from == null ? List.of() : format.candidates(from);
        place(connection, appUserId, to, row -> fromForms.contains(row.identification()));
    }

    /** {@link dev.smslogin.loginmethod.LoginMethodStore#removePhone}: only {@code appUserId}'s row of {@code phone}. */
    void removePhone(Connection connection, long appUserId, PhoneNumber phone) throws SQLException {
        List<String> forms = format.candidates(phone);
        for (PhoneRow row : ownPhoneRows(connection, appUserId)) {
            if (forms.contains(row.identification())) {
                deleteRow(connection, row.id());
            }
        }
    }

    private record PhoneRow(long id, String identification) {
    }

    /**
     * Puts {@code phone} on {@code appUserId}: when the app user has no row of it, its first {@code replaceable} row is
     * moved to it (else one is written); its other {@code replaceable} rows are deleted. Refused, before anything is
     * written, when the number's row belongs to another app user; a concurrent writer that gives the number a row
     * first is caught by the unique key, and refused the same way when it wrote it for another app user.
     */
    private void place(Connection connection, long appUserId, PhoneNumber phone, Predicate<PhoneRow> replaceable) throws SQLException {
        OptionalLong holder = findUserId(connection, phone, false);
        if (holder.isPresent() && holder.getAsLong() != appUserId) {
            throw new PhoneNumberTakenException(phone, holder.getAsLong());
        }
        List<String> forms = format.candidates(phone);
        List<PhoneRow> stale = new ArrayList<>();
        boolean named = false;
        for (PhoneRow row : ownPhoneRows(connection, appUserId)) {
            if (forms.contains(row.identification())) {
                named = true;
            } else if (replaceable.test(row)) {
                stale.add(row);
            }
        }
        if (!named) {
            PhoneRow moved = stale.isEmpty() ? null : stale.remove(0);
            Boolean movedIt = moved == null ? null : moveRow(connection, moved, phone);
            // a row gone since it was read (a concurrent change of this app user) is written anew
            boolean written = movedIt == null ? insertLoginMethod(connection, appUserId, phone) : movedIt;
            if (!written) {
                long winner = winner(connection, phone);
                if (winner != appUserId) {
                    throw new PhoneNumberTakenException(phone, winner);
                }
                if (moved != null) {
                    stale.add(moved);    // a concurrent change of this app user put the number on it first
                }
            }
        }
        for (PhoneRow row : stale) {
            deleteRow(connection, row.id());
        }
    }

    private static List<PhoneRow> ownPhoneRows(Connection connection, long appUserId) throws SQLException {
        return ownRows(connection, appUserId, PHONE_METHOD);
    }

    private static List<PhoneRow> ownRows(Connection connection, long appUserId, String method) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(OWN_PHONE_ROWS)) {
            select.setLong(1, appUserId);
            select.setString(2, method);
            try (ResultSet rows = select.executeQuery()) {
                List<PhoneRow> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(new PhoneRow(rows.getLong(1), rows.getString(2)));
                }
                return result;
            }
        }
    }

    /** {@code true} when moved, {@code false} when the number already has a row (unique key), null when the row is gone. */
    private Boolean moveRow(Connection connection, PhoneRow row, PhoneNumber phone) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(MOVE_ROW)) {
            update.setString(1, format.write(phone));
            update.setLong(2, row.id());
            return update.executeUpdate() == 1 ? Boolean.TRUE : null;
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_DUP_ENTRY) {
                return false;
            }
            throw e;
        }
    }

    private static void deleteRow(Connection connection, long id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE_ROW)) {
            delete.setLong(1, id);
            delete.executeUpdate();
        }
    }

    /** The row a concurrent login committed first: a locking read sees it past this transaction's snapshot. */
    private long winner(Connection connection, PhoneNumber phone) throws SQLException {
        return findUserId(connection, phone, true)
                .orElseThrow(() -> new SQLException("duplicate phone login row reported, but none found"));
    }

    private static void deleteUser(Connection connection, long userId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE_USER)) {
            delete.setLong(1, userId);
            delete.executeUpdate();
        }
    }

    private static long insertUser(Connection connection, String name) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_USER, Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, name);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no id generated for the new user row");
                }
                return keys.getLong(1);
            }
        }
    }

    /** {@code true} when the row was written, {@code false} when the number already has one (unique key). */
    private boolean insertLoginMethod(Connection connection, long userId, PhoneNumber phone) throws SQLException {
        return insertRow(connection, userId, PHONE_METHOD, format.write(phone));
    }

    /** {@code true} when the row was written, {@code false} when (method, identification) already has one (unique key). */
    private static boolean insertRow(Connection connection, long userId, String method, String identification) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_LOGIN_METHOD)) {
            insert.setLong(1, userId);
            insert.setString(2, method);
            insert.setString(3, identification);
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_DUP_ENTRY) {
                return false;
            }
            throw e;
        }
    }

    /** The original app requires a name: "手机用户" and the last four digits, never the whole number. */
    static String displayName(PhoneNumber phone) {
        String national = phone.nationalNumber();
        return "手机用户" + national.substring(Math.max(0, national.length() - 4));
    }
}
