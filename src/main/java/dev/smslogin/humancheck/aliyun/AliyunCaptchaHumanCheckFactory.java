package dev.smslogin.humancheck.aliyun;

import com.aliyuncs.DefaultAcsClient;
import dev.smslogin.cloudsdk.AliyunClients;
import dev.smslogin.humancheck.RealmKeysHumanCheckFactory;
import dev.smslogin.humancheck.VendorConnection;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code aliyun-captcha}: Aliyun CAPTCHA 2.0 (阿里云验证码 2.0). The phone page shows the widget
 * ({@code initAliyunCaptcha}, popup mode) through our adapter script, which puts the widget's
 * {@code CaptchaVerifyParam} in the form field {@code captcha_verify_param}; the server checks it with
 * {@code VerifyIntelligentCaptcha} under the scene id ({@link AliyunCaptchaCheck}). Owns this node's one SDK client,
 * built at start and shut down with Keycloak. Without its keys, scene or prefix it starts, says what is missing, and
 * answers every check "temporarily unavailable" (no SMS).
 */
public final class AliyunCaptchaHumanCheckFactory extends RealmKeysHumanCheckFactory implements ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "aliyun-captcha";
    /** The region of the SDK profile; the endpoint option decides where requests go. */
    private static final String PROFILE_REGION = "cn-shanghai";
    private static final int MAX_CONNECTIONS = 64;
    private static final Logger LOG = Logger.getLogger(AliyunCaptchaHumanCheckFactory.class);

    private AliyunCaptchaSettings settings;

    @Override
    protected List<String> keyOptions() {
        return List.of("access-key-id", "access-key-secret", "scene-id", "prefix");
    }

    /** The check of the options' account, with an SDK client of its own (shut down when closed). */
    @Override
    protected Built build(Function<String, String> option) {
        AliyunCaptchaSettings settings = AliyunCaptchaSettings.from(option);
        DefaultAcsClient client = settings.missingOptions().isEmpty() ? newClient(settings) : null;
        return Built.of(new AliyunCaptchaCheck(client, settings), () -> {
            if (client != null) {
                client.shutdown();
            }
        });
    }

    @Override
    public void init(Config.Scope config) {
        super.init(config);
        settings = AliyunCaptchaSettings.from(config::get);
        List<String> missing = settings.missingOptions();
        if (!missing.isEmpty() && missing.size() < 4) {
            // an admin who started configuring it is told at start; an unused provider stays quiet
            LOG.warnf("sms-human-check aliyun-captcha: missing options %s; flows with humanCheck=aliyun-captcha send no code "
                    + "(unless their realm has aliyun-captcha keys of its own)", missing);
        }
    }

    /** A client of the settings' account: no retries, each request within {@code timeout-ms}. */
    static DefaultAcsClient newClient(AliyunCaptchaSettings settings) {
        return AliyunClients.newClient(PROFILE_REGION, settings.accessKeyId(), settings.accessKeySecret(), settings.protocol(),
                settings.timeoutMillis(), settings.timeoutMillis(), MAX_CONNECTIONS);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        ProviderConfigurationBuilder builder = ProviderConfigurationBuilder.create()
                .property().name("access-key-id").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("AccessKey ID of a RAM user allowed to call VerifyIntelligentCaptcha (policy AliyunYundunAFSFullAccess).").add()
                .property().name("access-key-secret").type(ProviderConfigProperty.PASSWORD).secret(true)
                .helpText("That RAM user's AccessKey secret.").add()
                .property().name("scene-id").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("The scene ID (场景ID) of a Web/H5 scene created in the Captcha 2.0 console.").add()
                .property().name("prefix").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("The account's identity prefix (身份标) shown on the console's overview page; public, the widget needs it.").add();
        return VendorConnection.declare(builder, AliyunCaptchaSettings.DEFAULT_ENDPOINT,
                "Host of the verification API, may carry host:port (captcha.ap-southeast-1.aliyuncs.com outside the mainland).",
                AliyunCaptchaSettings.DEFAULT_SCRIPT_URL, "The widget's script the phone page loads (a self-hosted mirror, or a test's).").build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("endpoint", settings.protocol() + "://" + settings.endpoint());
        info.put("sceneId", String.valueOf(settings.sceneId()));
        info.put("missingOptions", String.join(",", settings.missingOptions()));
        return info;
    }
}
