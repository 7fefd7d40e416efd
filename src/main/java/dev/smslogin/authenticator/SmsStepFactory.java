package dev.smslogin.authenticator;

import org.keycloak.Config;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;
import java.util.Set;

/**
 * What the factories of the SMS flow steps built on the login's settings share: the login's keys that apply to the
 * step as its settings, and nothing to start or stop.
 */
public abstract class SmsStepFactory implements AuthenticatorFactory {

    private final List<ProviderConfigProperty> properties;

    /** @param loginOnlyKeys the login's keys that mean nothing for this step (not offered in its settings) */
    protected SmsStepFactory(Set<String> loginOnlyKeys) {
        this.properties = SmsLoginConfigProperties.PROPERTIES.stream()
                .filter(property -> !loginOnlyKeys.contains(property.getName()))
                .toList();
    }

    @Override
    public final boolean isConfigurable() {
        return true;
    }

    @Override
    public final List<ProviderConfigProperty> getConfigProperties() {
        return properties;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
