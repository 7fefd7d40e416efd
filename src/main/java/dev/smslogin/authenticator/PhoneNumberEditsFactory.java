package dev.smslogin.authenticator;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * {@code sms-login-phone-number-edits}: a global event listener (Keycloak 26.7 sends every realm's admin events to
 * global listeners, whatever the realm's event settings), so admins need not add it to a realm.
 */
public final class PhoneNumberEditsFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "sms-login-phone-number-edits";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new PhoneNumberEdits(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
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

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
