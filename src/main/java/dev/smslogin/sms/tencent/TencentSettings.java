package dev.smslogin.sms.tencent;

import dev.smslogin.sms.SenderConnection;
import dev.smslogin.sms.SenderOptions;
import dev.smslogin.sms.SmsPurpose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Tencent Cloud sender's options ({@code --spi-sms-sender--tencent--*}, or a realm account's settings of the
 * same names), checked once when read.
 *
 * @param sdkAppId          the SMS application ({@code SmsSdkAppId}) the sign name and templates are approved in
 * @param templateId        the template of every purpose without its own
 * @param purposeTemplateIds {@code template-id-<purpose>}: the template approved for one purpose
 * @param region            the API region ({@code X-TC-Region}): ap-guangzhou, ap-beijing or ap-nanjing
 */
public record TencentSettings(String secretId, String secretKey, String sdkAppId, String signName, String templateId,
                              Map<SmsPurpose, String> purposeTemplateIds, String region, SenderConnection connection) {

    static final String DEFAULT_REGION = "ap-guangzhou";
    static final String DEFAULT_ENDPOINT = "sms.tencentcloudapi.com";
    /** Tencent signs each request for the service its host starts with. */
    static final String SERVICE = "sms";

    /** Reads the options through {@code option}, which returns null for an option not set. */
    public static TencentSettings from(Function<String, String> option) {
        SenderOptions options = new SenderOptions(TencentSmsSenderFactory.PROVIDER_ID, option);
        SenderConnection connection = options.connection(DEFAULT_ENDPOINT);
        if (!connection.endpoint().startsWith(SERVICE + ".")) {
            throw options.invalid(SenderOptions.ENDPOINT, "must be a host name starting with 'sms.' (sms.tencentcloudapi.com, "
                    + "sms.<region>.tencentcloudapi.com, or a proxy's name of that form), optionally with :port: Tencent signs each "
                    + "request for the service named by the host's first label");
        }
        String region = options.text("region", DEFAULT_REGION);
        if (!region.matches("[a-z]{2,}-[a-z0-9-]+")) {
            throw options.invalid("region", "must be a Tencent Cloud region such as ap-guangzhou");
        }
        String sdkAppId = options.text("sdk-app-id");
        if (sdkAppId != null && !sdkAppId.matches("[0-9]{1,20}")) {
            throw options.invalid("sdk-app-id", "must be the SMS application's SdkAppId, digits such as 1400006666");
        }
        return new TencentSettings(
                options.text("secret-id"),
                options.text("secret-key"),
                sdkAppId,
                options.text("sign-name"),
                options.text("template-id"),
                options.perPurpose("template-id"),
                region,
                connection);
    }

    /** The template approved for {@code purpose}: its own, else {@code template-id}. */
    String templateIdFor(SmsPurpose purpose) {
        return purposeTemplateIds.getOrDefault(purpose, templateId);
    }

    /** The options an admin still has to set; empty when the sender can send. */
    public List<String> missingOptions() {
        List<String> missing = new ArrayList<>();
        if (secretId == null) missing.add("secret-id");
        if (secretKey == null) missing.add("secret-key");
        if (sdkAppId == null) missing.add("sdk-app-id");
        if (signName == null) missing.add("sign-name");
        if (templateId == null && purposeTemplateIds.size() < SmsPurpose.values().length) missing.add("template-id");
        return missing;
    }

    @Override
    public String toString() {
        return "TencentSettings[endpoint=" + connection.baseUrl() + ", region=" + region + ", sdkAppId=" + sdkAppId
                + ", signName=" + signName + ", templateId=" + templateId + ", purposeTemplateIds=" + purposeTemplateIds
                + ", secretId=" + (secretId == null ? "unset" : "set") + ", secretKey=" + (secretKey == null ? "unset" : "set") + "]";
    }
}
