package dev.smslogin.nativeapp;

import dev.smslogin.account.SignInStep;
import dev.smslogin.carrier.CarrierChecks;
import dev.smslogin.carrier.OneTapService;
import dev.smslogin.carrier.OneTapSettings;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.realm.PhoneSteps;
import dev.smslogin.settings.SmsLoginConfigCache;
import dev.smslogin.settings.SmsLoginConfigProperties;
import dev.smslogin.settings.SmsStepFactory;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.ArrayList;
import java.util.List;


/** {@code sms-login-direct-grant}: "SMS Code Login (direct grant)", the native-app API's token step. */
public final class SmsDirectGrantAuthenticatorFactory extends SmsStepFactory {

    public static final String PROVIDER_ID = PhoneSteps.DIRECT_GRANT;

    private SmsDirectGrantAuthenticator authenticator;

    public SmsDirectGrantAuthenticatorFactory() {
        super(properties(), REQUIRED_FIRST);
    }

    /** The login's settings, and one-tap sign-in's ({@link OneTapSettings}). */
    private static List<ProviderConfigProperty> properties() {
        List<ProviderConfigProperty> properties = new ArrayList<>(SmsLoginConfigProperties.PROPERTIES);
        properties.addAll(OneTapSettings.PROPERTIES);
        return List.copyOf(properties);
    }

    /**
     * Reads one-tap sign-in's service options ({@link OneTapService}); wrong values stop Keycloak with a message naming them.
     */
    @Override
    public void init(Config.Scope config) {
        authenticator = new SmsDirectGrantAuthenticator(new SmsLoginConfigCache(), SmsLoginMetrics.global(), OneTapService.from(config::get));
    }

    /** The server options: one-tap sign-in's service. */
    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return OneTapService.OPTIONS;
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
                + "Signs up new numbers as SMS Code Login does. With oneTap on, also carrier_token, the one-click SDK's token "
                + "(Aliyun Phone Number Verification), instead of a code.";
    }

    /** Keycloak stops: the carrier checks' clients are shut down. */
    @Override
    public void close() {
        CarrierChecks.closeAll();
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
