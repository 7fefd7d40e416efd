package dev.smslogin.carrier;

import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One-tap sign-in's per-flow settings (of {@code sms-login-direct-grant}): on or off, and the Aliyun account whose
 * Phone Number Verification Service checks the tokens. Without keys of its own the flow uses the realm's Aliyun SMS
 * account, else the server's Aliyun sender keys ({@link CarrierChecks}).
 *
 * @param accessKeyId     null: the realm's or the server's Aliyun account
 * @param accessKeySecret as typed: a secret, or a {@code ${vault.<key>}} reference read when used
 * @param endpoint        {@code host[:port]} of the Dypnsapi API, without scheme
 * @param protocol        {@code https} or {@code http} (a local stand-in)
 */
public record OneTapSettings(boolean enabled, String accessKeyId, String accessKeySecret, String endpoint, String protocol,
                             int timeoutMillis) {

    public static final String ONE_TAP = "oneTap";
    public static final String ACCESS_KEY_ID = "oneTapAccessKeyId";
    public static final String ACCESS_KEY_SECRET = "oneTapAccessKeySecret";
    public static final String ENDPOINT = "oneTapEndpoint";
    public static final String PROTOCOL = "oneTapProtocol";
    public static final String TIMEOUT_MS = "oneTapTimeoutMs";

    static final String DEFAULT_ENDPOINT = "dypnsapi.aliyuncs.com";
    static final int DEFAULT_TIMEOUT_MS = 3000;
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?");

    public static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(ONE_TAP).label("smsLoginOneTap").helpText("smsLoginOneTapHelp")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(ACCESS_KEY_ID).label("smsLoginOneTapAccessKeyId").helpText("smsLoginOneTapAccessKeyIdHelp")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(ACCESS_KEY_SECRET).label("smsLoginOneTapAccessKeySecret").helpText("smsLoginOneTapAccessKeySecretHelp")
            .type(ProviderConfigProperty.PASSWORD).secret(true).add()
            .property().name(ENDPOINT).label("smsLoginOneTapEndpoint").helpText("smsLoginOneTapEndpointHelp")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_ENDPOINT).add()
            .property().name(PROTOCOL).label("smsLoginOneTapProtocol").helpText("smsLoginOneTapProtocolHelp")
            .type(ProviderConfigProperty.LIST_TYPE).options("https", "http").defaultValue("https").add()
            .property().name(TIMEOUT_MS).label("smsLoginOneTapTimeoutMs").helpText("smsLoginOneTapTimeoutMsHelp")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULT_TIMEOUT_MS).add()
            .build();

    /**
     * Reads the settings from an execution's config (null: none).
     *
     * @throws IllegalArgumentException naming every key whose value is wrong
     */
    public static OneTapSettings parse(Map<String, String> values) {
        Map<String, String> config = values == null ? Map.of() : values;
        List<String> problems = new ArrayList<>();
        String enabled = text(config, ONE_TAP, "false").toLowerCase(Locale.ROOT);
        if (!enabled.equals("true") && !enabled.equals("false")) {
            problems.add(ONE_TAP + " must be true or false");
        }
        String id = text(config, ACCESS_KEY_ID, null);
        String secret = text(config, ACCESS_KEY_SECRET, null);
        if ((id == null) != (secret == null)) {
            problems.add(ACCESS_KEY_ID + " and " + ACCESS_KEY_SECRET + " go together: set both, or neither to use the realm's or the server's Aliyun account");
        }
        String endpoint = text(config, ENDPOINT, DEFAULT_ENDPOINT);
        if (!HOST_PORT.matcher(endpoint).matches()) {
            problems.add(ENDPOINT + " must be a host name, optionally with :port, without a scheme or path (the scheme is " + PROTOCOL + ")");
        }
        String protocol = text(config, PROTOCOL, "https").toLowerCase(Locale.ROOT);
        if (!protocol.equals("https") && !protocol.equals("http")) {
            problems.add(PROTOCOL + " must be https or http");
        }
        int timeout = DEFAULT_TIMEOUT_MS;
        try {
            timeout = Integer.parseInt(text(config, TIMEOUT_MS, String.valueOf(DEFAULT_TIMEOUT_MS)));
            if (timeout < 100 || timeout > 60_000) {
                problems.add(TIMEOUT_MS + " must be between 100 and 60000");
            }
        } catch (NumberFormatException e) {
            problems.add(TIMEOUT_MS + " must be a number of milliseconds");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new OneTapSettings(enabled.equals("true"), id, secret, endpoint, protocol, timeout);
    }

    private static String text(Map<String, String> config, String key, String fallback) {
        String value = config.get(key);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    @Override
    public String toString() {
        return "OneTapSettings[enabled=" + enabled + ", endpoint=" + protocol + "://" + endpoint + ", timeoutMillis=" + timeoutMillis
                + ", accessKeyId=" + (accessKeyId == null ? "unset" : "set") + ", accessKeySecret=" + (accessKeySecret == null ? "unset" : "set") + "]";
    }
}
