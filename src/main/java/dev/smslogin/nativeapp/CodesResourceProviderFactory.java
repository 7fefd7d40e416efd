package dev.smslogin.nativeapp;

import dev.smslogin.settings.RealmSendLimits;
import dev.smslogin.settings.SmsLoginConfigCache;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** The realm resource {@code sms-login}: {@code /realms/{realm}/sms-login/codes} ({@link CodesResource}). */
public final class CodesResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "sms-login";

    private final SmsLoginConfigCache configs = new SmsLoginConfigCache();
    private final RealmSendLimits sendLimits = new RealmSendLimits(configs);

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new CodesResource(session, configs, sendLimits);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
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
