package dev.smslogin.humancheck.tencent;

import dev.smslogin.humancheck.VendorConnection;

import java.util.ArrayList;
import java.util.List;
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

    /** Reads the options through {@code option}, which returns null for an option not set. */
    static TencentCaptchaSettings from(Function<String, String> option) {
        VendorConnection connection = VendorConnection.from(option, TencentCaptchaHumanCheckFactory.PROVIDER_ID, DEFAULT_ENDPOINT,
                DEFAULT_SCRIPT_URL);
        String captchaAppId = VendorConnection.text(option, "captcha-app-id", null);
        if (captchaAppId != null && !captchaAppId.matches("[0-9]{1,18}")) {
            throw VendorConnection.invalid(TencentCaptchaHumanCheckFactory.PROVIDER_ID, "captcha-app-id",
                    "must be the CaptchaAppId number shown in the CAPTCHA console");
        }
        return new TencentCaptchaSettings(VendorConnection.text(option, "secret-id", null), VendorConnection.text(option, "secret-key", null),
                captchaAppId, VendorConnection.text(option, "app-secret-key", null), connection.endpoint(), connection.protocol(),
                connection.scriptUrl(), connection.timeoutMillis());
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

    @Override
    public String toString() {
        return "TencentCaptchaSettings[endpoint=" + protocol + "://" + endpoint + ", captchaAppId=" + captchaAppId
                + ", scriptUrl=" + scriptUrl + ", timeoutMillis=" + timeoutMillis + ", secretId=" + (secretId == null ? "unset" : "set")
                + ", secretKey=" + (secretKey == null ? "unset" : "set") + ", appSecretKey=" + (appSecretKey == null ? "unset" : "set") + "]";
    }
}
