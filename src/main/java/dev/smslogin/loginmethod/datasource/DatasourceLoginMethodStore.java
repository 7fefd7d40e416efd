package dev.smslogin.loginmethod.datasource;

import dev.smslogin.loginmethod.AppAccount;
import dev.smslogin.loginmethod.IdentityLogin;
import dev.smslogin.loginmethod.IdentityProviderMethods;
import dev.smslogin.loginmethod.LoginMethodStore;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.phone.PhoneNumber;

import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * The app's tables through Keycloak's additional datasource. A connection taken inside a Keycloak request is
 * enlisted by Agroal in the request's JTA transaction: the rows commit with the Keycloak user, or roll back with
 * it. This class never commits.
 */
final class DatasourceLoginMethodStore implements LoginMethodStore {

    private static final Logger LOG = Logger.getLogger(DatasourceLoginMethodStore.class);

    private final DataSource dataSource;
    private final LoginMethodTables tables;
    private final TransactionManager transactions;
    private final int maxReadAttempts;
    private final IdentityProviderMethods identityProviderMethods;
    /** Whether this session's transaction has written (or tried to write) rows: later reads then run inside it. */
    private boolean wrote;

    /**
     * @param dataSource null when no app database is configured
     * @param transactions the JTA transaction manager, to read outside the login's transaction; null when there is none
     * @param maxReadAttempts connections a lookup may try: the most the pool can hold, all possibly dead after a
     *                        database restart, and one new
     */
    DatasourceLoginMethodStore(DataSource dataSource, LoginMethodTables tables, TransactionManager transactions,
                               int maxReadAttempts, IdentityProviderMethods identityProviderMethods) {
        this.dataSource = dataSource;
        this.identityProviderMethods = identityProviderMethods;
        this.tables = tables;
        this.transactions = transactions;
        this.maxReadAttempts = Math.max(1, maxReadAttempts);
    }

    @Override
    public boolean isEnabled() {
        return dataSource != null;
    }

    /**
     * One indexed lookup on a connection outside the login's XA transaction: a read that leads to no write does
     * not enlist MySQL (no XA START, END, PREPARE, COMMIT, no transaction log record). Only the write path below
     * joins the transaction.
     */
    @Override
    public OptionalLong findUserId(PhoneNumber phone) {
        return find(phone.masked(), connection -> tables.findUserId(connection, phone, false));
    }

    @Override
    public OptionalLong findUserId(IdentityLogin identity) {
        return find(identity.masked(), connection -> tables.findUserId(connection, identity, false));
    }

    private interface Read {
        OptionalLong run(Connection connection) throws SQLException;
    }

    private OptionalLong find(String subject, Read read) {
        if (wrote) {
            // this transaction changed rows already: a read outside it would not see them (a row it moved or deleted)
            try (Connection connection = dataSource.getConnection()) {
                return read.run(connection);
            } catch (SQLException e) {
                throw unavailable(subject, e);
            }
        }
        Transaction suspended = suspend();
        try {
            return lookUp(subject, read);
        } finally {
            resume(suspended);
        }
    }

    /**
     * The lookup, moving past pooled connections that died with the server. After MySQL restarts (or a failover,
     * or a cut network), every connection the pool kept open is dead, and the pool does not know it until one is
     * used: it then fails at once with a connection error (SQLState class 08), and Agroal's MySQL exception sorter
     * drops it from the pool when it is given back. The pool holds as many dead connections as it had grown to
     * (one per concurrent login), so the lookup takes the next connection, until one answers, the pool has to open
     * a new one and cannot (the database is down: no retry), or every connection the pool can hold has been tried.
     * A lookup is a read outside any transaction, so running it again is harmless; one that timed out is not run
     * again (it would hold the login twice as long).
     *
     * <p>The write that follows a lookup in {@link #ensureAccount} takes its connection on the same thread, and
     * Agroal gives a thread the connection it gave back last: the one this lookup has just proven alive. The write
     * itself is never repeated: it is enlisted in the login's XA transaction, and a failed enlistment has already
     * marked that transaction for rollback.
     */
    private OptionalLong lookUp(String subject, Read read) {
        SQLException firstDead = null;
        for (int attempt = 1; ; attempt++) {
            Connection connection;
            try {
                connection = dataSource.getConnection();
            } catch (SQLException e) {
                throw unavailable(subject, e);
            }
            try (connection) {
                OptionalLong found = read.run(connection);
                if (firstDead != null) {
                    LOG.infof("SMS login: %d pooled connection(s) to the app database were dead (SQLState %s), dropped; "
                            + "the lookup of %s ran on a live one", attempt - 1, firstDead.getSQLState(), subject);
                }
                return found;
            } catch (SQLException e) {
                if (!isDeadConnection(e) || attempt >= maxReadAttempts) {
                    throw unavailable(subject, e);
                }
                if (firstDead == null) {
                    firstDead = e;
                }
            }
        }
    }

    /** The connection failed (SQLState class 08: connection exception), and not by a read timeout. */
    static boolean isDeadConnection(SQLException e) {
        String state = e.getSQLState();
        if (state == null || !state.startsWith("08")) {
            return false;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return false;
            }
        }
        return true;
    }

    @Override
    public AppAccount ensureAccount(PhoneNumber phone, Long existingUserId) {
        OptionalLong found = findUserId(phone);
        if (found.isPresent()) {
            return new AppAccount(found.getAsLong(), false);
        }
        wrote = true;
        try (Connection connection = dataSource.getConnection()) {
            return tables.ensureAccount(connection, phone, existingUserId);
        } catch (SQLException e) {
            throw unavailable(phone, e);
        }
    }

    @Override
    public void syncPhone(long appUserId, PhoneNumber current) {
        write(current, connection -> tables.syncPhone(connection, appUserId, current));
    }

    @Override
    public void movePhone(long appUserId, PhoneNumber from, PhoneNumber to) {
        write(to, connection -> tables.movePhone(connection, appUserId, from, to));
    }

    @Override
    public void removePhone(long appUserId, PhoneNumber phone) {
        write(phone, connection -> tables.removePhone(connection, appUserId, phone));
    }

    @Override
    public String identityProviderMethod(String alias) {
        return identityProviderMethods.methodOf(alias);
    }

    @Override
    public AppAccount ensureIdentity(IdentityLogin identity, Long appUserId, String displayName) {
        if (dataSource == null) {
            throw new IllegalStateException("no app database");
        }
        findUserId(identity);   // moves past dead pooled connections, as for a number
        wrote = true;
        try (Connection connection = dataSource.getConnection()) {
            return tables.ensureIdentity(connection, identity, appUserId, displayName);
        } catch (SQLException e) {
            throw unavailable(identity.masked(), e);
        }
    }

    @Override
    public void retainIdentities(String method, long appUserId, java.util.Set<String> kept) {
        write(null, connection -> tables.retainIdentities(connection, method, appUserId, kept));
    }

    private interface Write {
        void run(Connection connection) throws SQLException;
    }

    /**
     * One write on a connection of the caller's transaction (enlisted by the pool); never repeated, never committed
     * here. As in {@link #ensureAccount}, a lookup of the number goes first: it moves past pooled connections that
     * died with a database restart (the write itself cannot be run again), and leaves this thread a live one.
     */
    private void write(PhoneNumber phone, Write write) {
        if (dataSource == null) {
            return;     // no app database: nothing is mirrored
        }
        if (phone != null) {
            findUserId(phone);
        }
        wrote = true;
        try (Connection connection = dataSource.getConnection()) {
            write.run(connection);
        } catch (SQLException e) {
            throw unavailable(phone, e);
        }
    }

    private Transaction suspend() {
        if (transactions == null) {
            return null;
        }
        try {
            return transactions.suspend();
        } catch (SystemException e) {
            throw new LoginMethodUnavailableException("could not suspend the login's transaction", e);
        }
    }

    private void resume(Transaction suspended) {
        if (suspended == null) {
            return;
        }
        try {
            transactions.resume(suspended);
        } catch (InvalidTransactionException | SystemException e) {
            throw new LoginMethodUnavailableException("could not resume the login's transaction", e);
        }
    }

    private static LoginMethodUnavailableException unavailable(PhoneNumber phone, SQLException e) {
        return unavailable(phone == null ? "a number change" : phone.masked(), e);
    }

    private static LoginMethodUnavailableException unavailable(String subject, SQLException e) {
        return new LoginMethodUnavailableException("app database unavailable for " + subject + ": SQLState "
                + e.getSQLState() + ", error " + e.getErrorCode(), e);
    }
}
