package dev.smslogin.carrier;

import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The server admin's settings of one-tap sign-in's service, options of {@code sms-login-direct-grant}
 * ({@code --spi-authenticator--sms-login-direct-grant--one-tap-<name>}): where Aliyun's Phone Number Verification
 * Service is reached, within what time, and the keys for realms without an Aliyun SMS account of their own (unset:
 * the server's Aliyun sender keys). Realm admins only turn one-tap on per flow ({@link OneTapSettings}).
 *
 * @param accessKeyId null: the server's Aliyun sender keys
 * @param endpoint    {@code host[:port]} of the Dypnsapi API, without scheme
 * @param protocol    {@code https} or {@code http} (a local stand-in)
 */
public record OneTapService(String endpoint, String protocol, int timeoutMillis, String accessKeyId, String accessKeySecret) {

    public static final String ENDPOINT = "one-tap-endpoint";
    public static final String PROTOCOL = "one-tap-protocol";
    public static final String TIMEOUT_MS = "one-tap-timeout-ms";
    public static final String ACCESS_KEY_ID = "one-tap-access-key-id";
    public static final String ACCESS_KEY_SECRET = "one-tap-access-key-secret";

    static final String DEFAULT_ENDPOINT = "dypnsapi.aliyuncs.com";
    static final int DEFAULT_TIMEOUT_MS = 3000;
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?");

    /** The options, for the server's provider info. */
    public static final List<ProviderConfigProperty> OPTIONS = ProviderConfigurationBuilder.create()
            .property().name(ENDPOINT).type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_ENDPOINT)
            .helpText("One-tap sign-in: host[:port] of Aliyun's Phone Number Verification Service (Dypnsapi).").add()
            .property().name(PROTOCOL).type(ProviderConfigProperty.STRING_TYPE).defaultValue("https")
            .helpText("One-tap sign-in: https, or http for a local stand-in.").add()
            .property().name(TIMEOUT_MS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULT_TIMEOUT_MS)
            .helpText("One-tap sign-in: connect and read timeout of one GetMobile or VerifyMobile; no answer in time: 503, the app falls back to SMS.").add()
            .property().name(ACCESS_KEY_ID).type(ProviderConfigProperty.STRING_TYPE)
            .helpText("One-tap sign-in: AccessKey ID for realms without an Aliyun SMS account of their own (unset: the Aliyun sender's).").add()
            .property().name(ACCESS_KEY_SECRET).type(ProviderConfigProperty.PASSWORD).secret(true)
            .helpText("One-tap sign-in: that AccessKey's secret.").add()
            .build();

    /**
     * Reads the options by name (null when unset).
     *
     * @throws IllegalArgumentException naming every option whose value is wrong
     */
    public static OneTapService from(Function<String, String> option) {
        List<String> problems = new ArrayList<>();
        String endpoint = text(option, ENDPOINT, DEFAULT_ENDPOINT);
        if (!HOST_PORT.matcher(endpoint).matches()) {
            problems.add(ENDPOINT + " must be a host name, optionally with :port, without a scheme or path (the scheme is " + PROTOCOL + ")");
        }
        String protocol = text(option, PROTOCOL, "https").toLowerCase(Locale.ROOT);
        if (!protocol.equals("https") && !protocol.equals("http")) {
            problems.add(PROTOCOL + " must be https or http");
        }
        int timeout = DEFAULT_TIMEOUT_MS;
        try {
            timeout = Integer.parseInt(text(option, TIMEOUT_MS, String.valueOf(DEFAULT_TIMEOUT_MS)));
            if (timeout < 100 || timeout > 60_000) {
                problems.add(TIMEOUT_MS + " must be between 100 and 60000");
            }
        } catch (NumberFormatException e) {
            problems.add(TIMEOUT_MS + " must be a number of milliseconds");
        }
        String id = text(option, ACCESS_KEY_ID, null);
        String secret = text(option, ACCESS_KEY_SECRET, null);
        if ((id == null) != (secret == null)) {
            problems.add(ACCESS_KEY_ID + " and " + ACCESS_KEY_SECRET + " go together: set both, or neither to use the Aliyun sender's keys");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("sms-login-direct-grant: " + String.join("; ", problems));
        }
        return new OneTapService(endpoint, protocol, timeout, id, secret);
    }

    private static String text(Function<String, String> option, String name, String fallback) {
        String value = option.apply(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    @Override
    public String toString() {
        return "OneTapService[" + protocol + "://" + endpoint + ", timeoutMillis=" + timeoutMillis + ", accessKeyId="
                + (accessKeyId == null ? "unset" : "set") + "]";
    }
}
