package dev.smslogin.requiredaction;

import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.realm.PhoneSteps;
import dev.smslogin.settings.RealmSendLimits;
import dev.smslogin.settings.SmsLoginConfig;
import dev.smslogin.settings.SmsLoginConfigCache;
import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.ModelValidationException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;

/** {@code verify-phone-number}: "Verify phone number", adds, verifies or changes a user's number with an SMS code. */
public final class VerifyPhoneNumberActionFactory implements RequiredActionFactory {

    public static final String PROVIDER_ID = PhoneSteps.VERIFY_PHONE_NUMBER;

    private final VerifyPhoneNumberAction action =
            new VerifyPhoneNumberAction(SmsLoginMetrics.global(), new RealmSendLimits(new SmsLoginConfigCache()));

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return action;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayText() {
        return "Verify phone number";
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return VerifyPhoneSettings.PROPERTIES;
    }

    @Override
    public void validateConfig(KeycloakSession session, RealmModel realm, RequiredActionConfigModel model) {
        try {
            VerifyPhoneSettings.from(model);
        } catch (SmsLoginConfig.InvalidConfigException e) {
            throw new ModelValidationException(e.getMessage());
        }
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
