package dev.smslogin.humancheck;

import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.Locale;
import java.util.function.Function;

/**
 * How a vendor's human check reaches its API and its widget, read the same way for every vendor from the options
 * {@code endpoint} ({@code host[:port]}, no scheme), {@code protocol} ({@code https}, or {@code http} for a local
 * stand-in), {@code script-url} and {@code timeout-ms} (100 to 60000), checked once at start: a bad value stops start
 * with the option's name.
 */
public record VendorConnection(String endpoint, String protocol, String scriptUrl, int timeoutMillis) {

    public static final int DEFAULT_TIMEOUT_MS = 3000;

    /** Reads the four options through {@code option} (null for an option not set) of provider {@code provider}. */
    public static VendorConnection from(Function<String, String> option, String provider, String defaultEndpoint,
                                        String defaultScriptUrl) {
        String protocol = text(option, "protocol", "https").toLowerCase(Locale.ROOT);
        if (!protocol.equals("https") && !protocol.equals("http")) {
            throw invalid(provider, "protocol", "must be https or http");
        }
        String endpoint = text(option, "endpoint", defaultEndpoint);
        if (!endpoint.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?")) {
            throw invalid(provider, "endpoint", "must be a host name, optionally with :port, without a scheme or path (the scheme is 'protocol')");
        }
        int timeoutMillis;
        try {
            timeoutMillis = Integer.parseInt(text(option, "timeout-ms", String.valueOf(DEFAULT_TIMEOUT_MS)));
        } catch (NumberFormatException e) {
            throw invalid(provider, "timeout-ms", "must be a number of milliseconds");
        }
        if (timeoutMillis < 100 || timeoutMillis > 60_000) {
            throw invalid(provider, "timeout-ms", "must be between 100 and 60000");
        }
        return new VendorConnection(endpoint, protocol, text(option, "script-url", defaultScriptUrl), timeoutMillis);
    }

    /** Declares the four options (for the admin console's server info and Keycloak's option checks). */
    public static ProviderConfigurationBuilder declare(ProviderConfigurationBuilder builder, String defaultEndpoint, String endpointHelp,
                                                       String defaultScriptUrl, String scriptHelp) {
        return builder
                .property().name("endpoint").type(ProviderConfigProperty.STRING_TYPE).defaultValue(defaultEndpoint).helpText(endpointHelp).add()
                .property().name("protocol").type(ProviderConfigProperty.STRING_TYPE).defaultValue("https")
                .helpText("https, or http for a local stand-in.").add()
                .property().name("script-url").type(ProviderConfigProperty.STRING_TYPE).defaultValue(defaultScriptUrl).helpText(scriptHelp).add()
                .property().name("timeout-ms").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULT_TIMEOUT_MS)
                .helpText("Connect and read timeout of one check; no answer in time fails closed (no SMS).").add();
    }

    /** An option's trimmed value, or {@code fallback} when it is not set or blank. */
    public static String text(Function<String, String> option, String name, String fallback) {
        String value = option.apply(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** The start failure for a bad value of {@code provider}'s option {@code name}. */
    public static IllegalArgumentException invalid(String provider, String name, String rule) {
        return new IllegalArgumentException("sms-human-check " + provider + ": '" + name + "' " + rule);
    }

    /** {@code protocol://endpoint}. */
    public String baseUrl() {
        return protocol + "://" + endpoint;
    }
}
