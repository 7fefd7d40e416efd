package dev.smslogin.loginmethod.datasource;

import dev.smslogin.loginmethod.AppAccount;
import dev.smslogin.loginmethod.LoginMethodStore;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.phone.PhoneNumber;

import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * The app's tables through Keycloak's additional datasource. A connection taken inside a Keycloak request is
 * enlisted by Agroal in the request's JTA transaction: the rows commit with the Keycloak user, or roll back with
 * it. This class never commits.
 */
final class DatasourceLoginMethodStore implements LoginMethodStore {

    private final DataSource dataSource;
    private final LoginMethodTables tables;
    private final TransactionManager transactions;

    /**
     * @param dataSource null when no app database is configured
     * @param transactions the JTA transaction manager, to read outside the login's transaction; null when there is none
     */
    DatasourceLoginMethodStore(DataSource dataSource, LoginMethodTables tables, TransactionManager transactions) {
        this.dataSource = dataSource;
        this.tables = tables;
        this.transactions = transactions;
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
        Transaction suspended = suspend();
        try (Connection connection = dataSource.getConnection()) {
            return tables.findUserId(connection, phone, false);
        } catch (SQLException e) {
            throw unavailable(phone, e);
        } finally {
            resume(suspended);
        }
    }

    @Override
    public AppAccount ensureAccount(PhoneNumber phone, Long existingUserId) {
        OptionalLong found = findUserId(phone);
        if (found.isPresent()) {
            return new AppAccount(found.getAsLong(), false);
        }
        try (Connection connection = dataSource.getConnection()) {
            return tables.ensureAccount(connection, phone, existingUserId);
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
        return new LoginMethodUnavailableException("app database unavailable for " + phone.masked() + ": SQLState "
                + e.getSQLState() + ", error " + e.getErrorCode(), e);
    }
}
