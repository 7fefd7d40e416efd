package dev.smslogin.adminedit;

import dev.smslogin.spi.StatelessProviderFactory;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;

/**
 * {@code sms-login-phone-number-edits}: a global event listener (Keycloak 26.7 sends every realm's admin events to
 * global listeners, whatever the realm's event settings), so admins need not add it to a realm. It also checks the
 * numbers of every imported realm ({@link ImportedPhoneNumbers}).
 */
public final class PhoneNumberEditsFactory implements EventListenerProviderFactory, StatelessProviderFactory<EventListenerProvider> {

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
    public void postInit(KeycloakSessionFactory factory) {
        // a realm import runs no validator and sends no per-user admin event: its numbers are checked once it is in
        factory.register(event -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created) {
                ImportedPhoneNumbers.check(created.getKeycloakSession(), created.getCreatedRealm());
            }
        });
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
