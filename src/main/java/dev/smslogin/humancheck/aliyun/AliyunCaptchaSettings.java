package dev.smslogin.humancheck.aliyun;

import dev.smslogin.humancheck.VendorConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The options of {@code --spi-sms-human-check--aliyun-captcha--*}, checked once when read.
 *
 * @param sceneId   the scene (验证场景) the widget shows and the server check names
 * @param prefix    the account's identity prefix (身份标), public: the widget needs it
 * @param endpoint  {@code host[:port]} of the verification API, without scheme
 * @param protocol  {@code https} or {@code http} (a local stand-in)
 * @param scriptUrl the widget's script the phone page loads
 */
record AliyunCaptchaSettings(String accessKeyId, String accessKeySecret, String sceneId, String prefix, String endpoint,
                             String protocol, String scriptUrl, int timeoutMillis) {

    static final String DEFAULT_ENDPOINT = "captcha.cn-shanghai.aliyuncs.com";
    static final String DEFAULT_SCRIPT_URL = "https://o.alicdn.com/captcha-frontend/aliyunCaptcha/AliyunCaptcha.js";
    /** The endpoint outside the Chinese mainland; its widget region is {@code sgp}, the mainland's {@code cn}. */
    private static final String SINGAPORE = "ap-southeast-1";

    /** Reads the options through {@code option}, which returns null for an option not set. */
    static AliyunCaptchaSettings from(Function<String, String> option) {
        VendorConnection connection = VendorConnection.from(option, AliyunCaptchaHumanCheckFactory.PROVIDER_ID, DEFAULT_ENDPOINT,
                DEFAULT_SCRIPT_URL);
        return new AliyunCaptchaSettings(text(option, "access-key-id", null), text(option, "access-key-secret", null),
                text(option, "scene-id", null), text(option, "prefix", null), connection.endpoint(), connection.protocol(),
                connection.scriptUrl(), connection.timeoutMillis());
    }

    /** The options an admin still has to set before a check can pass; empty when complete. */
    List<String> missingOptions() {
        List<String> missing = new ArrayList<>();
        if (accessKeyId == null) missing.add("access-key-id");
        if (accessKeySecret == null) missing.add("access-key-secret");
        if (sceneId == null) missing.add("scene-id");
        if (prefix == null) missing.add("prefix");
        return missing;
    }

    /** The widget's {@code region}: {@code sgp} for the Singapore endpoint, else {@code cn} (Shanghai). */
    String widgetRegion() {
        return endpoint.contains(SINGAPORE) ? "sgp" : "cn";
    }

    private static String text(Function<String, String> option, String name, String fallback) {
        return VendorConnection.text(option, name, fallback);
    }

    @Override
    public String toString() {
        return "AliyunCaptchaSettings[endpoint=" + protocol + "://" + endpoint + ", sceneId=" + sceneId + ", prefix=" + prefix
                + ", scriptUrl=" + scriptUrl + ", timeoutMillis=" + timeoutMillis + ", accessKeyId=" + (accessKeyId == null ? "unset" : "set")
                + ", accessKeySecret=" + (accessKeySecret == null ? "unset" : "set") + "]";
    }
}
