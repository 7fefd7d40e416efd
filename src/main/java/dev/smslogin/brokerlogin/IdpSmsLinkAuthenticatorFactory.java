package dev.smslogin.brokerlogin;

import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.realm.PhoneSteps;
import dev.smslogin.settings.SmsLoginConfigProperties;
import dev.smslogin.settings.SmsStepFactory;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.ArrayList;
import java.util.List;

/** {@code idp-sms-link}: "Phone number for brokered users", a step of first broker login flows. */
public final class IdpSmsLinkAuthenticatorFactory extends SmsStepFactory {

    public static final String PROVIDER_ID = PhoneSteps.IDP_SMS_LINK;
    /** Per-flow setting: the phone page offers "skip", and the identity may go on without a number. */
    static final String OPTIONAL = "optional";

    private static final List<ProviderConfigProperty> PROPERTIES;

    static {
        List<ProviderConfigProperty> properties = new ArrayList<>(SmsLoginConfigProperties.PROPERTIES);
        properties.addAll(ProviderConfigurationBuilder.create()
                .property().name(OPTIONAL).label("idpSmsLinkOptional").helpText("idpSmsLinkOptionalHelp")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
                .build());
        PROPERTIES = List.copyOf(properties);
    }

    private final IdpSmsLinkAuthenticator authenticator = new IdpSmsLinkAuthenticator(SmsLoginMetrics.global());

    public IdpSmsLinkAuthenticatorFactory() {
        super(PROPERTIES, REQUIRED_FIRST);
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
        return "Phone number for brokered users";
    }

    @Override
    public String getReferenceCategory() {
        return null;
    }

    @Override
    public String getHelpText() {
        return "First broker login: proves a phone number with an SMS code, then links the brokered identity to the number's account, "
                + "or creates the account with the number.";
    }
}
