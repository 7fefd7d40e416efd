package dev.smslogin.sms.aliyun;

import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.sms.SendBulkhead;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.SmsSenderFactory;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.http.HttpClientConfig;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import java.util.List;
import java.util.Map;

/**
 * {@code --spi-sms-sender--aliyun--*}. Owns this node's one {@link DefaultAcsClient}, built at start and shut
 * down with Keycloak. Without keys the sender refuses every send with a clear log line instead of failing start,
 * so that an admin can install first and configure after.
 */
public final class AliyunSmsSenderFactory implements SmsSenderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "aliyun";
    private static final Logger LOG = Logger.getLogger(AliyunSmsSenderFactory.class);

    private AliyunSettings settings;
    private DefaultAcsClient client;
    private SendBulkhead bulkhead;

    @Override
    public SmsSender create(KeycloakSession session) {
        return new AliyunSmsSender(client, settings, bulkhead);
    }

    @Override
    public void init(Config.Scope config) {
        settings = AliyunSettings.from(config::get);
        client = settings.missingOptions().isEmpty() ? newClient(settings) : null;
        bulkhead = new SendBulkhead(settings.maxConcurrentSends());
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (factory.getProviderFactory(SmsSender.class) == this) {
            SmsLoginMetrics.global().sendsInFlight(PROVIDER_ID, bulkhead::inFlight, bulkhead.capacity());
            LOG.infof("SMS sender 'aliyun': at most %d sends in flight on this node (max-concurrent-sends)", bulkhead.capacity());
        }
        if (client == null && factory.getProviderFactory(SmsSender.class) == this) {
            LOG.warnf("SMS sender 'aliyun' is selected but not configured; set --spi-sms-sender--aliyun--%s",
                    String.join(", --spi-sms-sender--aliyun--", settings.missingOptions()));
        }
    }

    static DefaultAcsClient newClient(AliyunSettings settings) {
        DefaultProfile profile = DefaultProfile.getProfile(settings.regionId(), settings.accessKeyId(), settings.accessKeySecret());
        HttpClientConfig http = HttpClientConfig.getDefault();
        http.setConnectionTimeoutMillis(settings.connectTimeoutMillis());
        http.setReadTimeoutMillis(settings.readTimeoutMillis());
        http.setProtocolType(settings.protocol().equals("http") ? ProtocolType.HTTP : ProtocolType.HTTPS);
        // as many connections as sends may be in flight: the bulkhead refuses the others before they would queue
        http.setMaxRequests(settings.maxConcurrentSends());
        http.setMaxRequestsPerHost(settings.maxConcurrentSends());
        http.setMaxIdleConnections(settings.maxConcurrentSends());
        profile.setHttpClientConfig(http);
        DefaultAcsClient client = new DefaultAcsClient(profile);
        client.setAutoRetry(false);
        client.setMaxRetryNumber(0);
        return client;
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
        return ProviderConfigurationBuilder.create()
                .property().name("access-key-id").type(ProviderConfigProperty.STRING_TYPE).helpText("Aliyun AccessKey ID (RAM user with dysms:SendSms).").add()
                .property().name("access-key-secret").type(ProviderConfigProperty.PASSWORD).secret(true).helpText("Aliyun AccessKey secret.").add()
                .property().name("sign-name").type(ProviderConfigProperty.STRING_TYPE).helpText("Approved SMS sign name (签名).").add()
                .property().name("template-code").type(ProviderConfigProperty.STRING_TYPE).helpText("Approved template code, e.g. SMS_123456789.").add()
                .property().name("template-code-login").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for login codes (default: template-code).").add()
                .property().name("template-code-second-factor").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for second-factor codes (default: template-code).").add()
                .property().name("template-code-verify").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for codes verifying a number (default: template-code).").add()
                .property().name("template-code-reset").type(ProviderConfigProperty.STRING_TYPE).helpText("Template for password reset codes (default: template-code).").add()
                .property().name("region-id").type(ProviderConfigProperty.STRING_TYPE).defaultValue(AliyunSettings.DEFAULT_REGION).helpText("Aliyun region id.").add()
                .property().name("template-param").type(ProviderConfigProperty.STRING_TYPE).defaultValue(AliyunSettings.DEFAULT_TEMPLATE_PARAM).helpText("The template variable that receives the code.").add()
                .property().name("endpoint").type(ProviderConfigProperty.STRING_TYPE).defaultValue(AliyunSettings.DEFAULT_ENDPOINT).helpText("Dysmsapi endpoint, host or host:port.").add()
                .property().name("protocol").type(ProviderConfigProperty.STRING_TYPE).defaultValue(AliyunSettings.DEFAULT_PROTOCOL).helpText("https or http.").add()
                .property().name("connect-timeout-ms").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(AliyunSettings.DEFAULT_CONNECT_TIMEOUT_MS).helpText("Connect timeout in milliseconds.").add()
                .property().name("read-timeout-ms").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(AliyunSettings.DEFAULT_READ_TIMEOUT_MS).helpText("Read timeout in milliseconds.").add()
                .property().name("max-concurrent-sends").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(SendBulkhead.defaultCapacity())
                .helpText("Sends in flight on this node at most (each holds a Keycloak worker thread until Aliyun answers); "
                        + "more are refused at once with 'try again in a moment'. Default: a quarter of Keycloak's default worker pool.").add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("endpoint", settings.protocol() + "://" + settings.endpoint(), "regionId", settings.regionId(),
                "configured", String.valueOf(client != null), "maxConcurrentSends", String.valueOf(bulkhead.capacity()),
                "sendsInFlight", String.valueOf(bulkhead.inFlight()));
    }
}
