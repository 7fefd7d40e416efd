package dev.smslogin.sms.aliyun;

import com.aliyuncs.DefaultAcsClient;
import dev.smslogin.cloudsdk.AliyunClients;
import dev.smslogin.sms.SenderConnection;
import dev.smslogin.sms.SenderOptions;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.VendorSenderFactory;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;
import java.util.function.Function;
import java.util.Map;

/**
 * {@code --spi-sms-sender--aliyun--*}. Owns this node's one {@link DefaultAcsClient}, built at start and shut
 * down with Keycloak. Without keys the sender refuses every send with a clear log line instead of failing start,
 * so that an admin can install first and configure after.
 */
public final class AliyunSmsSenderFactory extends VendorSenderFactory {

    public static final String PROVIDER_ID = "aliyun";

    private AliyunSettings settings;
    private DefaultAcsClient client;

    @Override
    public SmsSender create(KeycloakSession session) {
        return new AliyunSmsSender(client, settings, bulkhead());
    }

    @Override
    public void init(Config.Scope config) {
        settings = AliyunSettings.from(config::get);
        client = settings.missingOptions().isEmpty() ? newClient(settings) : null;
        started(config::get, settings.connection(), settings::missingOptions);
    }

    @Override
    protected Account openAccount(Function<String, String> option) {
        AliyunSettings account = AliyunSettings.from(option);
        requireComplete(account.missingOptions());
        DefaultAcsClient accountClient = newClient(account);
        return new Account() {
            @Override
            public SmsSender sender(KeycloakSession session) {
                return new AliyunSmsSender(accountClient, account, bulkhead());
            }

            @Override
            public void close() {
                accountClient.shutdown();
            }
        };
    }

    /** A client of {@code settings}' account (no retries, as many connections as sends may be in flight). */
    public static DefaultAcsClient newClient(AliyunSettings settings) {
        SenderConnection connection = settings.connection();
        // as many connections as sends may be in flight: the bulkhead refuses the others before they would queue
        return AliyunClients.newClient(settings.regionId(), settings.accessKeyId(), settings.accessKeySecret(), connection.protocol(),
                connection.connectTimeoutMillis(), connection.readTimeoutMillis(), connection.maxConcurrentSends());
    }

    /** The server's Aliyun options, as read at start: other Aliyun services of the same account default to its keys. */
    public AliyunSettings settings() {
        return settings;
    }

    @Override
    protected String missingOptionHint(String option) {
        return option.equals("template-code") ? SenderOptions.perPurposeHint("template-code", settings.purposeTemplateCodes()) : "";
    }

    @Override
    public void close() {
        if (client != null) {
            client.shutdown();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        ProviderConfigurationBuilder builder = ProviderConfigurationBuilder.create()
                .property().name("access-key-id").type(ProviderConfigProperty.STRING_TYPE).helpText("Aliyun AccessKey ID (RAM user with dysms:SendSms).").add()
                .property().name("access-key-secret").type(ProviderConfigProperty.PASSWORD).secret(true).helpText("Aliyun AccessKey secret.").add()
                .property().name("sign-name").type(ProviderConfigProperty.STRING_TYPE).helpText("Approved SMS sign name (签名).").add()
                .property().name("template-code").type(ProviderConfigProperty.STRING_TYPE).helpText("Approved template code, e.g. SMS_123456789.").add()
                .property().name("template-code-login").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for login codes (default: template-code).").add()
                .property().name("template-code-second-factor").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for second-factor codes (default: template-code).").add()
                .property().name("template-code-verify").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for codes verifying a number (default: template-code).").add()
                .property().name("template-code-reset").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for password reset codes (default: template-code).").add()
                .property().name("region-id").type(ProviderConfigProperty.STRING_TYPE).defaultValue(AliyunSettings.DEFAULT_REGION).helpText("Aliyun region id.").add()
                .property().name("template-param").type(ProviderConfigProperty.STRING_TYPE).defaultValue(AliyunSettings.DEFAULT_TEMPLATE_PARAM).helpText("The template variable that receives the code.").add();
        return SenderOptions.connectionOptions(builder, AliyunSettings.DEFAULT_ENDPOINT, "Aliyun Dysmsapi").build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = super.getOperationalInfo();
        info.put("regionId", settings.regionId());
        return info;
    }
}
