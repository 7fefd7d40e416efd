package dev.smslogin.secondfactor;

import dev.smslogin.credential.SmsOtpCredentialProvider;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phonedialog.DialogPurpose;
import dev.smslogin.realm.PhoneSteps;
import dev.smslogin.settings.FlowDialogs;
import dev.smslogin.settings.SmsLoginConfig;
import dev.smslogin.settings.SmsLoginConfigProperties;
import dev.smslogin.settings.SmsStepFactory;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.credential.OTPCredentialModel;

import java.util.Set;

/** {@code sms-otp}: "SMS Code (second factor)", a code to the user's verified number after the first factor. */
public final class SmsOtpAuthenticatorFactory extends SmsStepFactory {

    public static final String PROVIDER_ID = PhoneSteps.SECOND_FACTOR;

    private final SmsOtpAuthenticator authenticator =
            new SmsOtpAuthenticator(new FlowDialogs(DialogPurpose.SECOND_FACTOR, SmsLoginMetrics.global()));

    public SmsOtpAuthenticatorFactory() {
        super(SmsLoginConfigProperties.without(SmsLoginConfig.ALLOW_REGISTRATION, SmsLoginConfig.USERNAME_FORMAT,
                SmsLoginConfig.DEFAULT_REGION, SmsLoginConfig.ALLOWED_REGIONS), REQUIRED_FIRST);
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return authenticator;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "SMS Code (second factor)";
    }

    @Override
    public String getHelpText() {
        return "After the user is known, a one-time code is sent by SMS to the user's verified phone number.";
    }

    /** "otp": Keycloak's brute-force protection counts failures of executions whose category is password, otp or recovery codes. */
    @Override
    public String getReferenceCategory() {
        return OTPCredentialModel.TYPE;
    }

    /** The account console shows the factor under "Two-factor authentication" in realms whose flows use this step. */
    @Override
    public Set<String> getOptionalReferenceCategories(KeycloakSession session) {
        return Set.of(SmsOtpCredentialProvider.TYPE);
    }

    /** A REQUIRED step meeting a user without a verified number sets {@code verify-phone-number}. */
    @Override
    public boolean isUserSetupAllowed() {
        return true;
    }
}
