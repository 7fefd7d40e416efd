package dev.smslogin.nativeapp;

import dev.smslogin.account.SignInStep;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.realm.PhoneSteps;
import dev.smslogin.settings.SmsLoginConfigCache;
import dev.smslogin.settings.SmsLoginConfigProperties;
import dev.smslogin.settings.SmsStepFactory;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.credential.OTPCredentialModel;


/** {@code sms-login-direct-grant}: "SMS Code Login (direct grant)", the native-app API's token step. */
public final class SmsDirectGrantAuthenticatorFactory extends SmsStepFactory {

    public static final String PROVIDER_ID = PhoneSteps.DIRECT_GRANT;

    private final SmsDirectGrantAuthenticator authenticator = new SmsDirectGrantAuthenticator(new SmsLoginConfigCache(), SmsLoginMetrics.global());

    public SmsDirectGrantAuthenticatorFactory() {
        super(SmsLoginConfigProperties.PROPERTIES, REQUIRED_FIRST);
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new SignInStep(authenticator, session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "SMS Code Login (direct grant)";
    }

    @Override
    public String getHelpText() {
        return "Native apps: tokens for grant_type=password with phone_number and a code sent by POST /realms/{realm}/sms-login/codes. "
                + "Signs up new numbers as SMS Code Login does.";
    }

    /**
     * "otp": the code is a one-time code, and Keycloak's brute-force protection counts the failures of password, otp
     * and recovery-code steps only. A login records the credential type {@code phone-number}, not this category
     * ({@link dev.smslogin.account.PhoneSignIn}).
     */
    @Override
    public String getReferenceCategory() {
        return OTPCredentialModel.TYPE;
    }
}
