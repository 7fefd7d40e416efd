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

/**
 * {@code --spi-login-method-store--default--*}. Uses the Keycloak additional datasource (default
 * {@code login-methods}) directly, with plain JDBC, rather than a JPA persistence unit: a persistence unit in the
 * jar makes {@code kc.sh build} fail when the datasource is not configured, and the mirror must stay optional
 * (no datasource: no mirror, one warning). The statements are few and fixed, and each is visible here.
 *
 * <p>Missing tables are created at start, outside any transaction (MySQL refuses DDL inside an XA transaction).
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
            LOG.warnf("SMS login: no datasource '%s' is configured, so phone accounts are NOT mirrored in the app's "
                    + "user / user_login_method tables. To mirror them, set --db-kind-%s=mysql (build time), "
                    + "--db-url-full-%s, --db-username-%s, --db-password-%s.", datasourceName, datasourceName,
                    datasourceName, datasourceName, datasourceName);
            return;
        }
        dataSource = instance.get();
        createMissingTables();
    }

    private void createMissingTables() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            LoginMethodTables.createMissingTables(connection);
            if (!LoginMethodTables.hasUniqueIdentificationKey(connection)) {
                LOG.warnf("SMS login: table user_login_method in datasource '%s' has no unique key on (login_method, "
                        + "identification); concurrent first logins of one number could write two rows. Add it with: "
                        + "ALTER TABLE user_login_method ADD UNIQUE KEY uk_user_login_method_identification (login_method, identification)",
                        datasourceName);
            }
            LOG.infof("SMS login: mirroring phone accounts in datasource '%s' (identification format %s, national region %s)",
                    datasourceName, format.format(), format.nationalRegion());
        } catch (SQLException e) {
            LOG.warnf("SMS login: could not check or create the tables in datasource '%s' at start (SQLState %s, error %d); "
                    + "new numbers cannot log in until the database is reachable and the tables exist",
                    datasourceName, e.getSQLState(), e.getErrorCode());
        }
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
