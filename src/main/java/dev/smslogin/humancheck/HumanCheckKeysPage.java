package dev.smslogin.humancheck;

import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.ui.extend.UiPageProvider;
import org.keycloak.services.ui.extend.UiPageProviderFactory;

import java.util.List;

/**
 * A "human-check-&lt;provider&gt;" page of the admin console (Keycloak's declarative UI, {@code --features=declarative-ui}):
 * a realm's own keys of one CAPTCHA vendor, one set per realm, a component of the realm holding the provider's key
 * options under their server option names (secrets masked by Keycloak and accepting {@code ${vault.<key>}}). Flows of
 * the realm whose {@code humanCheck} names the provider check with these keys instead of the server's.
 */
public abstract class HumanCheckKeysPage implements UiPageProviderFactory<ComponentModel>, UiPageProvider {

    private final String provider;
    private volatile RealmKeysHumanCheckFactory checks;
    private volatile List<ProviderConfigProperty> properties = List.of();

    protected HumanCheckKeysPage(String provider) {
        this.provider = provider;
    }

    @Override
    public String getId() {
        return RealmKeysHumanCheckFactory.PAGE_PREFIX + provider;
    }

    @Override
    public String getHelpText() {
        return "This realm's own " + provider + " CAPTCHA keys (one set per realm), used by the flows whose humanCheck is "
                + provider + ". A realm without keys checks with the server's.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return properties;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (factory.getProviderFactory(HumanCheck.class, provider) instanceof RealmKeysHumanCheckFactory installed) {
            checks = installed;
            properties = installed.keyProperties();
        }
    }

    /** Keys are saved only when the realm can check with them: the first set, complete, its vault references resolved. */
    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model) throws ComponentValidationException {
        if (checks == null) {
            throw new ComponentValidationException("no sms-human-check provider '" + provider + "' is installed");
        }
        try {
            checks.checkRealmKeys(session, realm, model);
        } catch (IllegalArgumentException e) {
            throw new ComponentValidationException(e.getMessage());
        }
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        if (checks != null) {
            checks.forgetRealmKeys(oldModel.getId());
        }
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (checks != null) {
            checks.forgetRealmKeys(model.getId());
        }
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void close() {
    }
}
