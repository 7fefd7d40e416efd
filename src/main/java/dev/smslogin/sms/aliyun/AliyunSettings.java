package dev.smslogin.sms.aliyun;

import dev.smslogin.sms.SenderConnection;
import dev.smslogin.sms.SenderOptions;
import dev.smslogin.sms.SmsPurpose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Aliyun sender's options ({@code --spi-sms-sender--aliyun--*}, or a realm account's settings of the same
 * names), checked once when read.
 *
 * @param templateCode         the template of every purpose without its own
 * @param purposeTemplateCodes {@code template-code-<purpose>}: the template approved for one purpose
 */
public record AliyunSettings(String accessKeyId, String accessKeySecret, String signName, String templateCode,
                             Map<SmsPurpose, String> purposeTemplateCodes, String regionId, String templateParam,
                             SenderConnection connection) {

    static final String DEFAULT_REGION = "cn-hangzhou";
    static final String DEFAULT_TEMPLATE_PARAM = "code";
    static final String DEFAULT_ENDPOINT = "dysmsapi.aliyuncs.com";

    /** Reads the options through {@code option}, which returns null for an option not set. */
    public static AliyunSettings from(Function<String, String> option) {
        SenderOptions options = new SenderOptions(AliyunSmsSenderFactory.PROVIDER_ID, option);
        String templateParam = options.text("template-param", DEFAULT_TEMPLATE_PARAM);
        if (!templateParam.matches("[A-Za-z0-9_]{1,64}")) {
            throw options.invalid("template-param", "must be a template variable name (letters, digits, _)");
        }
        return new AliyunSettings(
                options.text("access-key-id"),
                options.text("access-key-secret"),
                options.text("sign-name"),
                options.text("template-code"),
                options.perPurpose("template-code"),
                options.text("region-id", DEFAULT_REGION),
                templateParam,
                options.connection(DEFAULT_ENDPOINT));
    }

    /** The template approved for {@code purpose}: its own, else {@code template-code}. */
    String templateCodeFor(SmsPurpose purpose) {
        return purposeTemplateCodes.getOrDefault(purpose, templateCode);
    }

    /** The options an admin still has to set; empty when the sender can send. */
    public List<String> missingOptions() {
        List<String> missing = new ArrayList<>();
        if (accessKeyId == null) missing.add("access-key-id");
        if (accessKeySecret == null) missing.add("access-key-secret");
        if (signName == null) missing.add("sign-name");
        if (templateCode == null && purposeTemplateCodes.size() < SmsPurpose.values().length) missing.add("template-code");
        return missing;
    }

    static String templateCodeOption(SmsPurpose purpose) {
        return SenderOptions.perPurposeName("template-code", purpose);
    }

    @Override
    public String toString() {
        return "AliyunSettings[endpoint=" + connection.baseUrl() + ", region=" + regionId + ", signName=" + signName
                + ", templateCode=" + templateCode + ", purposeTemplateCodes=" + purposeTemplateCodes + ", accessKeyId=" + (accessKeyId == null ? "unset" : "set")
                + ", accessKeySecret=" + (accessKeySecret == null ? "unset" : "set") + "]";
    }
}
