package dev.smslogin.resetcredentials;

import dev.smslogin.authenticator.FlowDialogs;
import dev.smslogin.authenticator.SmsLoginConfig;
import dev.smslogin.authenticator.SmsStepFactory;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phonedialog.DialogPurpose;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;

import java.util.Set;

/** {@code sms-reset-credentials}: "Reset password by SMS", the first step of a reset-credentials flow. */
public final class SmsResetCredentialsAuthenticatorFactory extends SmsStepFactory {

    public static final String PROVIDER_ID = "sms-reset-credentials";
    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENTS = {
            AuthenticationExecutionModel.Requirement.REQUIRED,
            AuthenticationExecutionModel.Requirement.ALTERNATIVE,
            AuthenticationExecutionModel.Requirement.DISABLED
    };
    /** The login's keys that mean nothing for a reset (it never creates an account). */
    private static final Set<String> LOGIN_ONLY = Set.of(SmsLoginConfig.ALLOW_REGISTRATION, SmsLoginConfig.USERNAME_FORMAT);

    private final SmsResetCredentialsAuthenticator authenticator =
            new SmsResetCredentialsAuthenticator(new FlowDialogs(DialogPurpose.RESET_PASSWORD, SmsLoginMetrics.global()));

    public SmsResetCredentialsAuthenticatorFactory() {
        super(LOGIN_ONLY);
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

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }
}
