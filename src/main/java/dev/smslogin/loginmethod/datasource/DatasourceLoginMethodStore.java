package dev.smslogin.loginmethod.datasource;

import dev.smslogin.loginmethod.AppAccount;
import dev.smslogin.loginmethod.LoginMethodStore;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.phone.PhoneNumber;

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

    /** @param dataSource null when no app database is configured */
    DatasourceLoginMethodStore(DataSource dataSource, LoginMethodTables tables) {
        this.dataSource = dataSource;
        this.tables = tables;
    }

    @Override
    public boolean isEnabled() {
        return dataSource != null;
    }

    @Override
    public OptionalLong findUserId(PhoneNumber phone) {
        try (Connection connection = dataSource.getConnection()) {
            return tables.findUserId(connection, phone, false);
        } catch (SQLException e) {
            throw unavailable(phone, e);
        }
    }

    @Override
    public AppAccount ensureAccount(PhoneNumber phone, Long existingUserId) {
        try (Connection connection = dataSource.getConnection()) {
            return tables.ensureAccount(connection, phone, existingUserId);
        } catch (SQLException e) {
            throw unavailable(phone, e);
        }
    }

    private static LoginMethodUnavailableException unavailable(PhoneNumber phone, SQLException e) {
        return new LoginMethodUnavailableException("app database unavailable for " + phone.masked() + ": SQLState "
                + e.getSQLState() + ", error " + e.getErrorCode(), e);
    }
}
