package dev.smslogin.code.keycloak;

import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.SmsCodeStoreFactory;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;

/** {@code --spi-sms-code-store--provider=keycloak}: codes in Keycloak's own single-use store; no options. */
public final class KeycloakSmsCodeStoreFactory implements SmsCodeStoreFactory {

    public static final String PROVIDER_ID = "keycloak";
    private static final String PREFIX = "sms-login:";

    @Override
    public SmsCodeStore create(KeycloakSession session) {
        return new KeycloakSmsCodeStore(session.singleUseObjects(), PREFIX, Time::currentTimeMillis);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
