package dev.smslogin.sms;

import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A sender's options read by name: the server's ({@code --spi-sms-sender--<provider>--<name>}, through
 * {@code Config.Scope::get}) or any other key-value settings with the same names (a realm's own SMS account). Bad
 * values stop with a message that names the provider and the option; unset ones give null or the default.
 */
public final class SenderOptions {

    public static final String ENDPOINT = "endpoint";
    public static final String PROTOCOL = "protocol";
    public static final String CONNECT_TIMEOUT_MS = "connect-timeout-ms";
    public static final String READ_TIMEOUT_MS = "read-timeout-ms";
    public static final String MAX_CONCURRENT_SENDS = "max-concurrent-sends";
    public static final String DEFAULT_PROTOCOL = "https";
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 3000;
    public static final int DEFAULT_READ_TIMEOUT_MS = 5000;

    private final String provider;
    private final Function<String, String> option;

    /** @param option the value of an option by name, null when it is not set */
    public SenderOptions(String provider, Function<String, String> option) {
        this.provider = provider;
        this.option = option;
    }

    /** The option's value, trimmed; null when unset or blank. */
    public String text(String name) {
        String value = option.apply(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public String text(String name, String fallback) {
        String value = text(name);
        return value == null ? fallback : value;
    }

    /** {@code <prefix>-<purpose>} for each purpose that has one, e.g. {@code template-code-reset}. */
    public Map<SmsPurpose, String> perPurpose(String prefix) {
        Map<SmsPurpose, String> values = new EnumMap<>(SmsPurpose.class);
        for (SmsPurpose purpose : SmsPurpose.values()) {
            String value = text(perPurposeName(prefix, purpose));
            if (value != null) {
                values.put(purpose, value);
            }
        }
        return Map.copyOf(values);
    }

    public static String perPurposeName(String prefix, SmsPurpose purpose) {
        return prefix + "-" + purpose.id();
    }

    /** {@code endpoint}, {@code protocol}, the timeouts and {@code max-concurrent-sends}. */
    public SenderConnection connection(String defaultEndpoint) {
        String protocol = text(PROTOCOL, DEFAULT_PROTOCOL).toLowerCase(Locale.ROOT);
        if (!protocol.equals("https") && !protocol.equals("http")) {
            throw invalid(PROTOCOL, "must be https or http");
        }
        String endpoint = text(ENDPOINT, defaultEndpoint);
        if (!endpoint.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?") || endpoint.contains(":")
                && !between(endpoint.substring(endpoint.indexOf(':') + 1), 1, 65_535)) {
            throw invalid(ENDPOINT, "must be a host name, optionally with :port (1 to 65535), without a scheme or path (the "
                    + "scheme is 'protocol'), and is '" + endpoint.replaceAll("[^/@]*@", "***@") + "'");
        }
        return new SenderConnection(protocol, endpoint, millis(CONNECT_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS),
                millis(READ_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS), maxConcurrentSends());
    }

    private int maxConcurrentSends() {
        return number(MAX_CONCURRENT_SENDS, SendBulkhead.defaultCapacity(), 1, 10_000, "must be a whole number from 1 to 10000");
    }

    private int millis(String name, int fallback) {
        return number(name, fallback, 100, 60_000, "must be a whole number of milliseconds from 100 to 60000");
    }

    private int number(String name, int fallback, int min, int max, String rule) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(name, rule);
    }

    private static boolean between(String number, int lowest, int highest) {
        try {
            int value = Integer.parseInt(number);
            return value >= lowest && value <= highest;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The hint beside a missing {@code <prefix>} option when some purposes have templates of their own:
     * {@code " (or template-code-verify and template-code-reset, the purposes without a template of their own)"};
     * empty when none has.
     */
    public static String perPurposeHint(String prefix, Map<SmsPurpose, String> perPurpose) {
        if (perPurpose.isEmpty()) {
            return "";
        }
        List<String> without = new ArrayList<>();
        for (SmsPurpose purpose : SmsPurpose.values()) {
            if (!perPurpose.containsKey(purpose)) {
                without.add(perPurposeName(prefix, purpose));
            }
        }
        return " (or " + String.join(" and ", without) + ", the purposes without a template of their own)";
    }

    /** "sms-sender tencent: 'endpoint' must be ...". */
    public IllegalArgumentException invalid(String name, String rule) {
        return new IllegalArgumentException("sms-sender " + provider + ": '" + name + "' " + rule);
    }

    /**
     * Declares the options of {@link #connection} for the admin console's server info.
     *
     * @param vendor the service's name in help texts, e.g. "Tencent Cloud"
     */
    public static ProviderConfigurationBuilder connectionOptions(ProviderConfigurationBuilder builder, String defaultEndpoint, String vendor) {
        return builder
                .property().name(ENDPOINT).type(ProviderConfigProperty.STRING_TYPE).defaultValue(defaultEndpoint)
                .helpText(vendor + " API endpoint, host or host:port.").add()
                .property().name(PROTOCOL).type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_PROTOCOL).helpText("https or http.").add()
                .property().name(CONNECT_TIMEOUT_MS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULT_CONNECT_TIMEOUT_MS)
                .helpText("Connect timeout in milliseconds.").add()
                .property().name(READ_TIMEOUT_MS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULT_READ_TIMEOUT_MS)
                .helpText("Read timeout in milliseconds.").add()
                .property().name(MAX_CONCURRENT_SENDS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(SendBulkhead.defaultCapacity())
                .helpText("Sends in flight on this node at most (each holds a Keycloak worker thread until " + vendor + " answers); "
                        + "more are refused at once with 'try again in a moment'. Default: a quarter of Keycloak's default worker pool.").add();
    }
}
