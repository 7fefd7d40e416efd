package dev.smslogin.humancheck.tencent;

import com.tencentcloudapi.common.CommonClient;
import com.tencentcloudapi.common.Credential;
import dev.smslogin.cloudsdk.TencentClients;
import dev.smslogin.humancheck.RealmKeysHumanCheckFactory;
import dev.smslogin.humancheck.VendorConnection;
import okhttp3.OkHttpClient;
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
 * {@code tencent-captcha}: Tencent Cloud CAPTCHA (腾讯云验证码). The phone page shows the widget ({@code TencentCaptcha}
 * of {@code TJCaptcha.js}) through our adapter script, which puts the callback's {@code ticket} and {@code randstr} in
 * form fields of those names; the server checks them with {@code DescribeCaptchaResult} under the CaptchaAppId and its
 * AppSecretKey ({@link TencentCaptchaCheck}), signed {@code TC3-HMAC-SHA256} by Tencent's SDK ({@link CommonClient}:
 * the per-product captcha artifact is not needed). Owns this node's one OkHttp client, built at start and closed with
 * Keycloak. Without its keys or application it starts, says what is missing, and answers every check "temporarily
 * unavailable" (no SMS).
 */
public final class TencentCaptchaHumanCheckFactory extends RealmKeysHumanCheckFactory implements ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "tencent-captcha";
    /** The product and API version of {@code DescribeCaptchaResult}. */
    static final String PRODUCT = "captcha";
    static final String API_VERSION = "2019-07-22";
    /** The API takes no region. */
    private static final String NO_REGION = "";
    private static final int MAX_CONNECTIONS = 64;
    private static final Logger LOG = Logger.getLogger(TencentCaptchaHumanCheckFactory.class);

    private TencentCaptchaSettings settings;
    private OkHttpClient http;

    @Override
    protected List<String> keyOptions() {
        return List.of("secret-id", "secret-key", "captcha-app-id", "app-secret-key");
    }

    /** The check of the options' CAM key and application; its SDK client shares this node's OkHttp client. */
    @Override
    protected Built build(Function<String, String> option) {
        TencentCaptchaSettings settings = TencentCaptchaSettings.from(option);
        CommonClient client = settings.missingOptions().isEmpty() ? newClient(settings, http()) : null;
        return Built.of(new TencentCaptchaCheck(client, settings));
    }

    /** This node's one OkHttp client, built at the first complete keys (the server's or a realm's). */
    private synchronized OkHttpClient http() {
        if (http == null) {
            http = TencentClients.newHttpClient(MAX_CONNECTIONS);
        }
        return http;
    }

    @Override
    public void init(Config.Scope config) {
        super.init(config);
        settings = TencentCaptchaSettings.from(config::get);
        List<String> missing = settings.missingOptions();
        if (!missing.isEmpty() && missing.size() < 4) {
            // an admin who started configuring it is told at start; an unused provider stays quiet
            LOG.warnf("sms-human-check tencent-captcha: missing options %s; flows with humanCheck=tencent-captcha send no code "
                    + "(unless their realm has tencent-captcha keys of its own)", missing);
        }
    }

    /** A client of the settings' CAM key: TC3-signed, each request within {@code timeout-ms}, never retried. */
    static CommonClient newClient(TencentCaptchaSettings settings, OkHttpClient http) {
        return new CommonClient(PRODUCT, API_VERSION, new Credential(settings.secretId(), settings.secretKey()), NO_REGION,
                TencentClients.profile(http, settings.protocol(), settings.endpoint(), settings.timeoutMillis(), settings.timeoutMillis()));
    }

    @Override
    public synchronized void close() {
        super.close();
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
                .property().name("secret-id").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("SecretId of a CAM key allowed to call captcha:DescribeCaptchaResult (QcloudCaptchaFullAccess, or a custom policy with that action).").add()
                .property().name("secret-key").type(ProviderConfigProperty.PASSWORD).secret(true)
                .helpText("That CAM key's SecretKey.").add()
                .property().name("captcha-app-id").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("The CaptchaAppId of the CAPTCHA console's application (public: the widget shows it).").add()
                .property().name("app-secret-key").type(ProviderConfigProperty.PASSWORD).secret(true)
                .helpText("That application's AppSecretKey (secret: only the server's check sends it).").add();
        return VendorConnection.declare(builder, TencentCaptchaSettings.DEFAULT_ENDPOINT,
                "Host of the CAPTCHA API, may carry host:port (captcha.intl.tencentcloudapi.com for the international site).",
                TencentCaptchaSettings.DEFAULT_SCRIPT_URL, "The widget's script the phone page loads (TJCaptcha.js, or a self-hosted mirror).").build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("endpoint", settings.protocol() + "://" + settings.endpoint());
        info.put("captchaAppId", String.valueOf(settings.captchaAppId()));
        info.put("missingOptions", String.join(",", settings.missingOptions()));
        return info;
    }
}
