package dev.smslogin.resetcredentials;

import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phonedialog.DialogPurpose;
import dev.smslogin.realm.PhoneSteps;
import dev.smslogin.settings.FlowDialogs;
import dev.smslogin.settings.SmsLoginConfig;
import dev.smslogin.settings.SmsLoginConfigProperties;
import dev.smslogin.settings.SmsStepFactory;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;


/** {@code sms-reset-credentials}: "Reset password by SMS", the first step of a reset-credentials flow. */
public final class SmsResetCredentialsAuthenticatorFactory extends SmsStepFactory {

    public static final String PROVIDER_ID = PhoneSteps.RESET_CREDENTIALS;

    private final SmsResetCredentialsAuthenticator authenticator =
            new SmsResetCredentialsAuthenticator(new FlowDialogs(DialogPurpose.RESET_PASSWORD, SmsLoginMetrics.global()));

    public SmsResetCredentialsAuthenticatorFactory() {
        super(SmsLoginConfigProperties.without(SmsLoginConfig.ALLOW_REGISTRATION, SmsLoginConfig.USERNAME_FORMAT), REQUIRED_FIRST);
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
        return "Reset password by SMS";
    }

    @Override
    public String getHelpText() {
        return "In a reset-credentials flow, before Reset Password: the user proves a phone number with an SMS code.";
    }

    @Override
    public String getReferenceCategory() {
        return null;
    }
}
