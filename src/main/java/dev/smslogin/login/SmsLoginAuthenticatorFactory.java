package dev.smslogin.login;

import dev.smslogin.account.PhoneSignIn;
import dev.smslogin.account.SignInStep;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.credential.PhoneNumberCredentialProvider;
import dev.smslogin.loginmethod.LoginMethodStore;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.realm.PhoneSteps;
import dev.smslogin.settings.SmsLoginConfigProperties;
import dev.smslogin.settings.SmsStepFactory;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.spi.KeycloakRelease;
import dev.smslogin.userprofile.PhoneAttributesDeclaration;
import org.keycloak.authentication.Authenticator;
import org.keycloak.common.Version;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code sms-login}: "SMS Code Login", one execution that asks for a number, sends a code and checks it. */
public final class SmsLoginAuthenticatorFactory extends SmsStepFactory implements ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = PhoneSteps.SMS_LOGIN;
    /** An ALTERNATIVE beside the cookie step or the password form, as the admin console offers it first. */
    private static final Requirement[] LOGIN_FIRST = {Requirement.ALTERNATIVE, Requirement.REQUIRED, Requirement.DISABLED};

    private final PhoneAttributesDeclaration phoneAttributes = new PhoneAttributesDeclaration();
    private volatile KeycloakSessionFactory sessionFactory;
    private final SmsLoginAuthenticator authenticator = new SmsLoginAuthenticator(SmsLoginMetrics.global(), phoneAttributes);

    public SmsLoginAuthenticatorFactory() {
        super(SmsLoginConfigProperties.PROPERTIES, LOGIN_FIRST);
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
        return "SMS Code Login";
    }

    @Override
    public String getHelpText() {
        return "Log in, or sign up, with a phone number and a one-time code sent by SMS.";
    }

    /**
     * "otp": the code is a one-time code, and Keycloak's brute-force protection (26.6+) only counts failures
     * of executions whose category is password, otp or recovery codes. A login records the credential type
     * {@code phone-number}, not this category, so that "Condition - credential" sees no OTP was used ({@link PhoneSignIn}).
     */
    @Override
    public String getReferenceCategory() {
        return OTPCredentialModel.TYPE;
    }

    /** The account console lists the user's phone number under "Signing in" in realms whose flows use this step. */
    @Override
    public Set<String> getOptionalReferenceCategories(KeycloakSession session) {
        return Set.of(PhoneNumberCredentialProvider.TYPE);
    }

    /** A server older than the lowest release this extension runs on does not start (README, "Compatibility"). */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        KeycloakRelease.requireSupported(Version.VERSION);
        this.sessionFactory = factory;
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Package pkg = SmsLoginAuthenticatorFactory.class.getPackage();
        String version = pkg == null || pkg.getImplementationVersion() == null ? "dev" : pkg.getImplementationVersion();
        Map<String, String> info = new LinkedHashMap<>();
        info.put("version", version);
        if (sessionFactory != null) {
            // the providers this server uses: each SPI's default (or only) provider
            info.put("codeStore", activeProvider(SmsCodeStore.class));
            info.put("smsSender", activeProvider(SmsSender.class));
            info.put("loginMethodStore", activeProvider(LoginMethodStore.class));
        }
        return info;
    }

    private String activeProvider(Class<? extends org.keycloak.provider.Provider> spi) {
        var factory = sessionFactory.getProviderFactory(spi);
        return factory == null ? "none" : factory.getId();
    }
}
