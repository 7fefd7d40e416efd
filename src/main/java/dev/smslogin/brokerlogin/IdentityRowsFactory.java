package dev.smslogin.brokerlogin;

import dev.smslogin.spi.StatelessProviderFactory;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;

/** {@code sms-login-identity-rows}: a global event listener (no realm setting) that keeps the app's rows of brokered identities. */
public final class IdentityRowsFactory implements EventListenerProviderFactory, StatelessProviderFactory<EventListenerProvider> {

    public static final String PROVIDER_ID = "sms-login-identity-rows";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new IdentityRows(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
