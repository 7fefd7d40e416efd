package dev.smslogin.settings;

import dev.smslogin.spi.StatelessProviderFactory;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;

/**
 * What the factories of the SMS flow steps share: their settings (the login's keys that apply to the step, from
 * {@link SmsLoginConfigProperties}), the requirements an admin may choose, and nothing to start or stop. A step
 * asks for nothing to set up unless it says so.
 */
public abstract class SmsStepFactory implements AuthenticatorFactory, StatelessProviderFactory<Authenticator> {

    /** A step that does its part wherever it stands: required first in the admin console's choice. */
    protected static final Requirement[] REQUIRED_FIRST = {Requirement.REQUIRED, Requirement.ALTERNATIVE, Requirement.DISABLED};

    private final List<ProviderConfigProperty> properties;
    private final Requirement[] requirementChoices;

    protected SmsStepFactory(List<ProviderConfigProperty> properties, Requirement[] requirementChoices) {
        this.properties = properties;
        this.requirementChoices = requirementChoices;
    }

    @Override
    public final boolean isConfigurable() {
        return true;
    }

    @Override
    public final List<ProviderConfigProperty> getConfigProperties() {
        return properties;
    }

    @Override
    public final Requirement[] getRequirementChoices() {
        return requirementChoices;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }
}
