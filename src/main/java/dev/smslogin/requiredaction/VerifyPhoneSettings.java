package dev.smslogin.requiredaction;

import dev.smslogin.settings.SmsLoginConfig;
import dev.smslogin.settings.SmsLoginConfigProperties;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of the {@code verify-phone-number} required action (Keycloak's required-action config): the
 * login's code, limit, region and human-check keys, and {@code numberInUse}, what happens when the proven number
 * belongs to another user.
 */
record VerifyPhoneSettings(SmsLoginConfig codes, NumberInUse numberInUse) {

    static final String NUMBER_IN_USE = "numberInUse";

    enum NumberInUse {
        /** Nothing changes; the user is told to contact support. */
        REFUSE,
        /** The number moves to the user who proved it (carriers recycle numbers); the other user loses it. */
        TAKEOVER
    }

    static final List<ProviderConfigProperty> PROPERTIES = properties();

    static VerifyPhoneSettings from(RequiredActionConfigModel model) {
        Map<String, String> values = model == null || model.getConfig() == null ? Map.of() : model.getConfig();
        String inUse = values.getOrDefault(NUMBER_IN_USE, "");
        NumberInUse numberInUse = switch (inUse.strip().toLowerCase(Locale.ROOT)) {
            case "", "refuse" -> NumberInUse.REFUSE;
            case "takeover" -> NumberInUse.TAKEOVER;
            default -> throw new SmsLoginConfig.InvalidConfigException(List.of(NUMBER_IN_USE + " must be refuse or takeover"));
        };
        return new VerifyPhoneSettings(SmsLoginConfig.parse(values), numberInUse);
    }

    private static List<ProviderConfigProperty> properties() {
        List<ProviderConfigProperty> properties = new ArrayList<>(SmsLoginConfigProperties.without(SmsLoginConfig.ALLOW_REGISTRATION));
        properties.addAll(ProviderConfigurationBuilder.create()
                .property().name(NUMBER_IN_USE).label("verifyPhoneNumberInUseSetting").helpText("verifyPhoneNumberInUseSettingHelp")
                .type(ProviderConfigProperty.LIST_TYPE).options("refuse", "takeover").defaultValue("refuse").add()
                .build());
        return List.copyOf(properties);
    }
}
