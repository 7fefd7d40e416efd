package dev.smslogin.credential;

import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.models.KeycloakSession;

/**
 * The SMS second factor as the account console's "Signing in" page shows it, under "Two-factor authentication" as
 * Keycloak shows OTP: in realms whose flows use {@code sms-otp}, a user with a verified number sees it there (the
 * {@code phone-number} marker, labelled with the masked number); one without gets "Set up". The factor has no
 * secret of its own: it is the verified number.
 */
public final class SmsOtpCredentialProvider extends VerifiedNumberCredentialProvider {

    public static final String TYPE = "sms-otp";

    SmsOtpCredentialProvider(KeycloakSession session) {
        super(session);
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    CredentialTypeMetadata.CredentialTypeMetadataBuilder describe(CredentialTypeMetadata.CredentialTypeMetadataBuilder metadata) {
        return metadata.category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName("sms-otp-display-name")
                .helpText("sms-otp-help-text")
                .iconCssClass("kcAuthenticatorOTPClass");
    }

    /** Its own type, and the verified number's marker, which is what a user of the factor holds. */
    @Override
    public boolean supportsCredentialType(String credentialType) {
        return TYPE.equals(credentialType) || PhoneNumberCredentialProvider.TYPE.equals(credentialType);
    }
}
