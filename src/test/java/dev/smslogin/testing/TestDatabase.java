package dev.smslogin.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A database of its own on the machine's MariaDB (root, no password), dropped by {@link #close()}. */
public final class TestDatabase implements AutoCloseable {

    public static final String SERVER = System.getProperty("test.mysql.server", "jdbc:mysql://127.0.0.1:3306/");
    public static final String USER = System.getProperty("test.mysql.user", "root");
    public static final String PASSWORD = System.getProperty("test.mysql.password", "");

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    public static TestDatabase create() {
        String name = "sms_login_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(SERVER, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB on 127.0.0.1:3306 is needed: " + e.getMessage(), e);
        }
        return new TestDatabase(name);
    }

    public String name() {
        return name;
    }

    public String url() {
        return SERVER + name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, PASSWORD);
    }

    /** Runs statements with autocommit, as an admin would. */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long count(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); var rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of every row of a query. */
    public java.util.List<String> strings(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); var rows = s.executeQuery(sql)) {
            java.util.List<String> values = new java.util.ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The server's statement counters ({@code SHOW GLOBAL STATUS}: {@code Questions}, {@code Com_select},
     * {@code Com_insert}, ...), for all its clients, read on one connection kept open (opening a connection runs the
     * driver's own {@code SELECT}). {@code Questions} leaves out the reads themselves.
     */
    public static final class StatementCounters implements AutoCloseable {

        private final Connection connection;
        private long reads;

        public StatementCounters() {
            try {
                connection = DriverManager.getConnection(SERVER, USER, PASSWORD);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        public Map<String, Long> read() {
            try (Statement s = connection.createStatement(); var rows = s.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name = 'Questions' OR Variable_name LIKE 'Com\\_%'")) {
                reads++;
                Map<String, Long> counters = new HashMap<>();
                while (rows.next()) {
                    counters.put(rows.getString(1), rows.getLong(2));
                }
                counters.merge("Questions", -reads, Long::sum);
                return counters;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(SERVER, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + name + "`");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
