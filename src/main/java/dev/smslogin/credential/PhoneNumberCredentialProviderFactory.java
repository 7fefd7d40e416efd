package dev.smslogin.credential;

import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

/** {@code phone-number}: the account console's row for the user's phone number. */
public final class PhoneNumberCredentialProviderFactory implements CredentialProviderFactory<PhoneNumberCredentialProvider> {

    @Override
    public PhoneNumberCredentialProvider create(KeycloakSession session) {
        return new PhoneNumberCredentialProvider(session);
    }

    @Override
    public String getId() {
        return PhoneNumberCredentialProvider.TYPE;
    }
}
