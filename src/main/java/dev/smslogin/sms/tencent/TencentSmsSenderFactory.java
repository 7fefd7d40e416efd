package dev.smslogin.sms.tencent;

import dev.smslogin.cloudsdk.TencentClients;
import dev.smslogin.sms.SenderOptions;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.VendorSenderFactory;
import okhttp3.OkHttpClient;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;
import java.util.function.Function;
import java.util.Map;

/**
 * {@code --spi-sms-sender--tencent--*}: Tencent Cloud SMS. Owns this node's one OkHttp client of Tencent's SDK, built
 * at start and closed with Keycloak, and the sender of the server's account. Without keys the sender refuses every
 * send with a clear log line instead of failing start.
 */
public final class TencentSmsSenderFactory extends VendorSenderFactory {

    public static final String PROVIDER_ID = "tencent";

    private TencentSettings settings;
    private OkHttpClient http;
    private TencentSmsSender sender;

    @Override
    public void init(Config.Scope config) {
        settings = TencentSettings.from(config::get);
        http = TencentClients.newHttpClient(settings.connection().maxConcurrentSends());
        sender = new TencentSmsSender(settings, http, started(config::get, settings.connection(), settings::missingOptions));
    }

    @Override
    public SmsSender create(KeycloakSession session) {
        return sender;
    }

    @Override
    protected Account openAccount(Function<String, String> option) {
        TencentSettings account = TencentSettings.from(option);
        requireComplete(account.missingOptions());
        TencentSmsSender accountSender = new TencentSmsSender(account, http, bulkhead());
        return new Account() {
            @Override
            public SmsSender sender(KeycloakSession session) {
                return accountSender;
            }

            @Override
            public void close() {
                // the HTTP client is the node's, shared with the server's account
            }
        };
    }

    /** The client every Tencent sender of this node shares. */
    public OkHttpClient httpClient() {
        return http;
    }

    @Override
    protected String missingOptionHint(String option) {
        return option.equals("template-id") ? SenderOptions.perPurposeHint("template-id", settings.purposeTemplateIds()) : "";
    }

    @Override
    public void close() {
        if (http != null) {
            TencentClients.close(http);
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        ProviderConfigurationBuilder builder = ProviderConfigurationBuilder.create()
                .property().name("secret-id").type(ProviderConfigProperty.STRING_TYPE).helpText("Tencent Cloud API SecretId (a CAM user allowed sms:SendSms).").add()
                .property().name("secret-key").type(ProviderConfigProperty.PASSWORD).secret(true).helpText("Tencent Cloud API SecretKey.").add()
                .property().name("sdk-app-id").type(ProviderConfigProperty.STRING_TYPE).helpText("The SMS application's SdkAppId, e.g. 1400006666.").add()
                .property().name("sign-name").type(ProviderConfigProperty.STRING_TYPE).helpText("Approved SMS sign name (签名).").add()
                .property().name("template-id").type(ProviderConfigProperty.STRING_TYPE).helpText("Approved template id whose one parameter is the code.").add()
                .property().name("template-id-login").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for login codes (default: template-id).").add()
                .property().name("template-id-second-factor").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for second-factor codes (default: template-id).").add()
                .property().name("template-id-verify").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for codes verifying a number (default: template-id).").add()
                .property().name("template-id-reset").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for password reset codes (default: template-id).").add()
                .property().name("region").type(ProviderConfigProperty.STRING_TYPE).defaultValue(TencentSettings.DEFAULT_REGION)
                .helpText("API region: ap-guangzhou, ap-beijing or ap-nanjing.").add();
        return SenderOptions.connectionOptions(builder, TencentSettings.DEFAULT_ENDPOINT, "Tencent Cloud SMS").build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = super.getOperationalInfo();
        info.put("region", settings.region());
        return info;
    }
}
