package dev.smslogin.loginmethod.datasource;

import dev.smslogin.loginmethod.IdentificationFormat;
import dev.smslogin.loginmethod.IdentityProviderMethods;
import dev.smslogin.loginmethod.LoginMethodStore;
import dev.smslogin.loginmethod.LoginMethodStoreFactory;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.runtime.AgroalDataSourceUtil;
import io.quarkus.arc.InjectableInstance;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.transaction.JtaTransactionManagerLookup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code --spi-login-method-store--default--*}. Uses the Keycloak additional datasource (default
 * {@code login-methods}) directly, with plain JDBC, rather than a JPA persistence unit: a persistence unit in the
 * jar makes {@code kc.sh build} fail when the datasource is not configured, and the mirror must stay optional
 * (no datasource: no mirror, one warning). The statements are few and fixed, and each is visible here.
 *
 * <p>Missing tables are created at start, outside any transaction (MySQL refuses DDL inside an XA transaction), and
 * one line says what the start found ({@link #checkAtStart}).
 */
public final class DatasourceLoginMethodStoreFactory implements LoginMethodStoreFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "default";
    static final String DEFAULT_DATASOURCE = "login-methods";
    private static final Logger LOG = Logger.getLogger(DatasourceLoginMethodStoreFactory.class);

    private String datasourceName;
    private IdentificationFormat format;
    private LoginMethodTables tables;
    private IdentityProviderMethods identityProviderMethods;
    private volatile AgroalDataSource dataSource;

    @Override
    public LoginMethodStore create(KeycloakSession session) {
        JtaTransactionManagerLookup lookup = session.getProvider(JtaTransactionManagerLookup.class);
        AgroalDataSource pool = dataSource;
        int maxReadAttempts = pool == null ? 1 : pool.getConfiguration().connectionPoolConfiguration().maxSize() + 1;
        return new DatasourceLoginMethodStore(pool, tables, lookup == null ? null : lookup.getTransactionManager(),
                maxReadAttempts, identityProviderMethods);
    }

    @Override
    public void init(Config.Scope config) {
        String name = config.get("datasource");
        datasourceName = name == null || name.isBlank() ? DEFAULT_DATASOURCE : name.trim();
        format = IdentificationFormat.parse(config.get("identification-format"), config.get("national-region"));
        tables = new LoginMethodTables(format);
        identityProviderMethods = IdentityProviderMethods.parse(config.get("identity-provider-methods"));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        InjectableInstance<AgroalDataSource> instance = AgroalDataSourceUtil.dataSourceInstance(datasourceName);
        if (!instance.isResolvable() || !instance.getHandle().getBean().isActive()) {
            LOG.warn(notConfigured(datasourceName, AgroalDataSourceUtil.activeDataSourceNames()));
            return;
        }
        dataSource = instance.get();
        checkAtStart(dataSource::getConnection);
    }

    /** The warning when no datasource {@code name} is defined; {@code defined}: the datasources Keycloak has. */
    static String notConfigured(String name, Set<String> defined) {
        List<String> others = defined.stream().filter(d -> !d.startsWith("<")).sorted().toList();  // not Keycloak's own, <default>
        return String.format("SMS login: no datasource '%s' is configured, so phone accounts are NOT mirrored in the app's "
                + "user / user_login_method tables. To mirror them, set --db-kind-%s=mysql (build time), "
                + "--db-url-full-%s, --db-username-%s, --db-password-%s.", name, name, name, name, name)
                + (others.isEmpty() ? "" : " Keycloak has the additional datasource(s) " + others.stream().map(d -> "'" + d + "'")
                .collect(Collectors.joining(", ")) + ": if one holds the app's tables, set --spi-login-method-store--default--datasource to its name.");
    }

    /** Opens a connection to the app's database (the datasource's pool, or the tests' server). */
    @FunctionalInterface
    interface Connections {
        Connection open() throws SQLException;
    }

    /**
     * The start's one look at the app's database, outside any transaction (MySQL refuses DDL inside an XA transaction):
     * the tables that are missing are created, and one line says what was found. Nothing here stops the start.
     */
    void checkAtStart(Connections connections) {
        Connection connection;
        try {
            connection = connections.open();
        } catch (SQLException e) {
            LOG.warnf("SMS login: cannot connect to the app database of datasource '%s' at start (%s): new numbers, and users "
                    + "not yet linked to an app user, get 'temporarily unavailable' until it answers (linked users log in); "
                    + "no restart is needed then. Its tables are checked at the next start; if they are missing, create "
                    + "them with sql/login-methods-mysql.sql (in the jar).", datasourceName, describe(e));
            return;
        }
        try (connection) {
            connection.setAutoCommit(true);
            List<String> missing = LoginMethodTables.missingTables(connection);
            try {
                LoginMethodTables.createTables(connection, missing);
            } catch (SQLException e) {
                LOG.warnf("SMS login: table(s) %s missing in datasource '%s' and could not be created (%s): new numbers, and "
                        + "users not yet linked to an app user, cannot log in. Create them with sql/login-methods-mysql.sql "
                        + "(in the jar), or grant the datasource's user CREATE on the database and restart Keycloak.",
                        String.join(", ", missing), datasourceName, describe(e));
                return;
            }
            if (!LoginMethodTables.hasUniqueIdentificationKey(connection)) {
                LOG.warnf("SMS login: table user_login_method in datasource '%s' has no unique key on (login_method, "
                        + "identification); concurrent first logins of one number could write two rows. Add it with: "
                        + "ALTER TABLE user_login_method ADD UNIQUE KEY uk_user_login_method_identification (login_method, identification)",
                        datasourceName);
            }
            LOG.infof("SMS login: mirroring phone accounts in datasource '%s' (identification format %s, national region %s)%s",
                    datasourceName, format.format(), format.nationalRegion(),
                    missing.isEmpty() ? "" : "; created the missing table(s) " + String.join(", ", missing));
        } catch (SQLException e) {
            LOG.warnf("SMS login: could not check the tables in datasource '%s' at start (%s); new numbers cannot log in "
                    + "until the database is reachable and the tables exist", datasourceName, describe(e));
        }
    }

    /** SQLState, vendor error code and the first line of the message (MySQL's messages name users, never passwords). */
    private static String describe(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("").strip();
        return "SQLState " + e.getSQLState() + ", error " + e.getErrorCode() + (message.isEmpty() ? "" : ": " + message);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("datasource").type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_DATASOURCE)
                .helpText("Name of the Keycloak additional datasource that holds the app's user and user_login_method tables.").add()
                .property().name("identification-format").type(ProviderConfigProperty.STRING_TYPE).defaultValue("e164")
                .helpText("How new rows write numbers of the national region: e164 (+8613912345678) or national (13912345678). "
                        + "Numbers of other regions are always written as E.164.").add()
                .property().name("national-region").type(ProviderConfigProperty.STRING_TYPE).defaultValue(IdentificationFormat.DEFAULT_NATIONAL_REGION)
                .helpText("The region (ISO 3166) whose numbers the app's rows may hold without country code, as the original app wrote "
                        + "mainland numbers. Only its numbers are found in, or written in, the national form.").add()
                .property().name("identity-provider-methods").type(ProviderConfigProperty.STRING_TYPE).defaultValue(IdentityProviderMethods.DEFAULT)
                .helpText("Which identity providers' identities get a row in user_login_method, and its login_method: alias:METHOD pairs, "
                        + "comma-separated; the row's identification is the user's id at that provider. none: no provider's.").add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("datasource", datasourceName, "identificationFormat", format.format().name(),
                "nationalRegion", format.nationalRegion(), "identityProviderMethods", identityProviderMethods.toString(), "mirroring", String.valueOf(dataSource != null));
    }
}
