package dev.smslogin.credential;

import dev.smslogin.phone.PhoneNumber;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

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

    /**
     * Whether {@code phone} is {@code user}'s SMS second factor: its verified number, in a realm whose flows hold an
     * enabled {@code sms-otp} step (the step is named after its credential type). Taking such a number from its user
     * would leave that account to its password alone.
     */
    public static boolean isSecondFactor(RealmModel realm, UserModel user, PhoneNumber phone) {
        return phone.equals(PhoneNumberCredentialProvider.verifiedNumber(user))
                && realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .anyMatch(execution -> TYPE.equals(execution.getAuthenticator()) && !execution.isDisabled());
    }
}
