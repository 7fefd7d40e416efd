package dev.smslogin.humancheck.tencent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The options of {@code --spi-sms-human-check--tencent-captcha--*}, checked once when read.
 *
 * @param secretId     SecretId of a CAM key allowed to call {@code captcha:DescribeCaptchaResult}
 * @param captchaAppId the CAPTCHA application's id (public: the widget shows it), a number
 * @param appSecretKey that application's AppSecretKey (secret: only the server check sends it)
 * @param endpoint     {@code host[:port]} of the API, without scheme
 * @param protocol     {@code https} or {@code http} (a local stand-in)
 * @param scriptUrl    the widget's script the phone page loads
 */
record TencentCaptchaSettings(String secretId, String secretKey, String captchaAppId, String appSecretKey, String endpoint,
                              String protocol, String scriptUrl, int timeoutMillis) {

    static final String DEFAULT_ENDPOINT = "captcha.tencentcloudapi.com";
    static final String DEFAULT_SCRIPT_URL = "https://turing.captcha.qcloud.com/TJCaptcha.js";
    static final int DEFAULT_TIMEOUT_MS = 3000;

    /** Reads the options through {@code option}, which returns null for an option not set. */
    static TencentCaptchaSettings from(Function<String, String> option) {
        String protocol = text(option, "protocol", "https").toLowerCase(Locale.ROOT);
        if (!protocol.equals("https") && !protocol.equals("http")) {
            throw invalid("protocol", "must be https or http");
        }
        String endpoint = text(option, "endpoint", DEFAULT_ENDPOINT);
        if (!endpoint.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?")) {
            throw invalid("endpoint", "must be a host name, optionally with :port, without a scheme or path (the scheme is 'protocol')");
        }
        String captchaAppId = text(option, "captcha-app-id", null);
        if (captchaAppId != null && !captchaAppId.matches("[0-9]{1,18}")) {
            throw invalid("captcha-app-id", "must be the CaptchaAppId number shown in the CAPTCHA console");
        }
        int timeoutMillis;
        try {
            timeoutMillis = Integer.parseInt(text(option, "timeout-ms", String.valueOf(DEFAULT_TIMEOUT_MS)));
        } catch (NumberFormatException e) {
            throw invalid("timeout-ms", "must be a number of milliseconds");
        }
        if (timeoutMillis < 100 || timeoutMillis > 60_000) {
            throw invalid("timeout-ms", "must be between 100 and 60000");
        }
        return new TencentCaptchaSettings(text(option, "secret-id", null), text(option, "secret-key", null), captchaAppId,
                text(option, "app-secret-key", null), endpoint, protocol, text(option, "script-url", DEFAULT_SCRIPT_URL), timeoutMillis);
    }

    /** The options an admin still has to set before a check can pass; empty when complete. */
    List<String> missingOptions() {
        List<String> missing = new ArrayList<>();
        if (secretId == null) missing.add("secret-id");
        if (secretKey == null) missing.add("secret-key");
        if (captchaAppId == null) missing.add("captcha-app-id");
        if (appSecretKey == null) missing.add("app-secret-key");
        return missing;
    }

    private static String text(Function<String, String> option, String name, String fallback) {
        String value = option.apply(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static IllegalArgumentException invalid(String name, String rule) {
        return new IllegalArgumentException("sms-human-check " + TencentCaptchaHumanCheckFactory.PROVIDER_ID + ": '" + name + "' " + rule);
    }

    @Override
    public String toString() {
        return "TencentCaptchaSettings[endpoint=" + protocol + "://" + endpoint + ", captchaAppId=" + captchaAppId
                + ", scriptUrl=" + scriptUrl + ", timeoutMillis=" + timeoutMillis + ", secretId=" + (secretId == null ? "unset" : "set")
                + ", secretKey=" + (secretKey == null ? "unset" : "set") + ", appSecretKey=" + (appSecretKey == null ? "unset" : "set") + "]";
    }
}
