package dev.smslogin.sms.aliyun;

import dev.smslogin.sms.SendBulkhead;
import dev.smslogin.sms.SmsPurpose;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The Aliyun sender's server options ({@code --spi-sms-sender--aliyun--*}), checked once at start.
 *
 * @param templateCode         the template of every purpose without its own
 * @param purposeTemplateCodes {@code template-code-<purpose>}: the template approved for one purpose
 */
record AliyunSettings(String accessKeyId, String accessKeySecret, String signName, String templateCode,
                      Map<SmsPurpose, String> purposeTemplateCodes, String regionId, String templateParam, String endpoint, String protocol,
                      int connectTimeoutMillis, int readTimeoutMillis, int maxConcurrentSends) {

    static final String DEFAULT_REGION = "cn-hangzhou";
    static final String DEFAULT_TEMPLATE_PARAM = "code";
    static final String DEFAULT_ENDPOINT = "dysmsapi.aliyuncs.com";
    static final String DEFAULT_PROTOCOL = "https";
    static final int DEFAULT_CONNECT_TIMEOUT_MS = 3000;
    static final int DEFAULT_READ_TIMEOUT_MS = 5000;

    /** Reads the options through {@code option}, which returns null for an option not set. */
    static AliyunSettings from(Function<String, String> option) {
        String protocol = orDefault(option.apply("protocol"), DEFAULT_PROTOCOL).toLowerCase(Locale.ROOT);
        if (!protocol.equals("https") && !protocol.equals("http")) {
            throw new IllegalArgumentException("sms-sender aliyun: 'protocol' must be https or http");
        }
        String templateParam = orDefault(option.apply("template-param"), DEFAULT_TEMPLATE_PARAM);
        if (!templateParam.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("sms-sender aliyun: 'template-param' must be a template variable name (letters, digits, _)");
        }
        String endpoint = orDefault(option.apply("endpoint"), DEFAULT_ENDPOINT);
        if (!endpoint.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?") || endpoint.contains(":")
                && !between(endpoint.substring(endpoint.indexOf(':') + 1), 1, 65_535)) {
            throw new IllegalArgumentException("sms-sender aliyun: 'endpoint' must be a host name, optionally with :port "
                    + "(1 to 65535), without a scheme or path (the scheme is 'protocol'), and is '"
                    + endpoint.replaceAll("[^/@]*@", "***@") + "'");
        }
        return new AliyunSettings(
                trimToNull(option.apply("access-key-id")),
                trimToNull(option.apply("access-key-secret")),
                trimToNull(option.apply("sign-name")),
                trimToNull(option.apply("template-code")),
                purposeTemplateCodes(option),
                orDefault(option.apply("region-id"), DEFAULT_REGION),
                templateParam, endpoint, protocol,
                millis(option.apply("connect-timeout-ms"), DEFAULT_CONNECT_TIMEOUT_MS, "connect-timeout-ms"),
                millis(option.apply("read-timeout-ms"), DEFAULT_READ_TIMEOUT_MS, "read-timeout-ms"),
                maxConcurrentSends(option.apply("max-concurrent-sends")));
    }

    /** The template approved for {@code purpose}: its own, else {@code template-code}. */
    String templateCodeFor(SmsPurpose purpose) {
        return purposeTemplateCodes.getOrDefault(purpose, templateCode);
    }

    /** The options an admin still has to set; empty when the sender can send. */
    List<String> missingOptions() {
        List<String> missing = new ArrayList<>();
        if (accessKeyId == null) missing.add("access-key-id");
        if (accessKeySecret == null) missing.add("access-key-secret");
        if (signName == null) missing.add("sign-name");
        if (templateCode == null && purposeTemplateCodes.size() < SmsPurpose.values().length) missing.add("template-code");
        return missing;
    }

    /**
     * The start's warning when the sender is in use but cannot send: the options to set (names only, never values).
     * Empty when it can send.
     */
    String notConfiguredWarning() {
        List<String> missing = missingOptions();
        if (missing.isEmpty()) {
            return "";
        }
        List<String> options = new ArrayList<>();
        for (String name : missing) {
            String option = "--spi-sms-sender--aliyun--" + name;
            if (name.equals("template-code") && !purposeTemplateCodes.isEmpty()) {
                List<String> without = new ArrayList<>();
                for (SmsPurpose purpose : SmsPurpose.values()) {
                    if (!purposeTemplateCodes.containsKey(purpose)) {
                        without.add(templateCodeOption(purpose));
                    }
                }
                option += " (or " + String.join(" and ", without) + ", the purposes without a template of their own)";
            }
            options.add(option);
        }
        return "SMS sender 'aliyun' is selected but not configured: every code send is refused (users read 'Text messages "
                + "cannot be sent right now') until " + String.join(", ", options) + (options.size() == 1 ? " is" : " are") + " set.";
    }

    static String templateCodeOption(SmsPurpose purpose) {
        return "template-code-" + purpose.id();
    }

    private static Map<SmsPurpose, String> purposeTemplateCodes(Function<String, String> option) {
        Map<SmsPurpose, String> codes = new EnumMap<>(SmsPurpose.class);
        for (SmsPurpose purpose : SmsPurpose.values()) {
            String code = trimToNull(option.apply(templateCodeOption(purpose)));
            if (code != null) {
                codes.put(purpose, code);
            }
        }
        return Map.copyOf(codes);
    }

    @Override
    public String toString() {
        return "AliyunSettings[endpoint=" + protocol + "://" + endpoint + ", region=" + regionId + ", signName=" + signName
                + ", templateCode=" + templateCode + ", purposeTemplateCodes=" + purposeTemplateCodes + ", accessKeyId=" + (accessKeyId == null ? "unset" : "set")
                + ", accessKeySecret=" + (accessKeySecret == null ? "unset" : "set") + "]";
    }

    private static int maxConcurrentSends(String value) {
        if (value == null || value.isBlank()) {
            return SendBulkhead.defaultCapacity();
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 1 && parsed <= 10_000) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("sms-sender aliyun: 'max-concurrent-sends' must be a whole number from 1 to 10000");
    }

    private static boolean between(String number, int lowest, int highest) {
        try {
            int value = Integer.parseInt(number);
            return value >= lowest && value <= highest;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int millis(String value, int fallback, String name) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 100 && parsed <= 60_000) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("sms-sender aliyun: '" + name + "' must be a whole number of milliseconds from 100 to 60000");
    }

    private static String orDefault(String value, String fallback) {
        String trimmed = trimToNull(value);
        return trimmed == null ? fallback : trimmed;
    }

    private static String trimToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
