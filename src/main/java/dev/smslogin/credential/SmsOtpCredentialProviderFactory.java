package dev.smslogin.credential;

import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

/** {@code sms-otp}: the account console's row for the SMS second factor. */
public final class SmsOtpCredentialProviderFactory implements CredentialProviderFactory<SmsOtpCredentialProvider> {

    @Override
    public SmsOtpCredentialProvider create(KeycloakSession session) {
        return new SmsOtpCredentialProvider(session);
    }

    @Override
    public String getId() {
        return SmsOtpCredentialProvider.TYPE;
    }
}
