package dev.smslogin.carrier;

import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One-tap sign-in's per-flow setting (of {@code sms-login-direct-grant}): whether the flow accepts
 * {@code carrier_token}. Where the carrier check goes and with which keys is the server admin's ({@link OneTapService}):
 * a realm admin never points Keycloak's requests elsewhere.
 */
public record OneTapSettings(boolean enabled) {

    public static final String ONE_TAP = "oneTap";

    public static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(ONE_TAP).label("smsLoginOneTap").helpText("smsLoginOneTapHelp")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .build();

    /**
     * Reads the setting from an execution's config (null: none).
     *
     * @throws IllegalArgumentException when its value is wrong
     */
    public static OneTapSettings parse(Map<String, String> values) {
        String value = values == null ? null : values.get(ONE_TAP);
        String enabled = value == null || value.isBlank() ? "false" : value.strip().toLowerCase(Locale.ROOT);
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new IllegalArgumentException(ONE_TAP + " must be true or false");
        }
        return new OneTapSettings(enabled.equals("true"));
    }
}
