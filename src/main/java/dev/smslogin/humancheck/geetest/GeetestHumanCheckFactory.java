package dev.smslogin.humancheck.geetest;

import com.google.gson.JsonObject;
import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.humancheck.HumanCheckUnavailableException;
import dev.smslogin.humancheck.JsonFormEndpoint;
import dev.smslogin.humancheck.RealmKeysHumanCheckFactory;
import dev.smslogin.humancheck.VendorConnection;
import org.jboss.logging.Logger;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code geetest}: GeeTest CAPTCHA v4 (adaptive CAPTCHA). The page's widget ({@code initGeetest4}, product {@code bind})
 * puts {@code lot_number}, {@code captcha_output}, {@code pass_token} and {@code gen_time} into the form (a native app's
 * GeeTest SDK returns the same four values for the API); the server POSTs them with {@code sign_token}, the lowercase
 * hex HMAC-SHA256 of {@code lot_number} under the captcha key, to {@code verify-url?captcha_id=...} and needs
 * {@code {"status":"success","result":"success"}}; {@code result: fail}, or an error code about the result itself
 * (a forged, replayed or expired {@code lot_number}), refuses. Any other status, an HTTP error or a timeout:
 * unavailable (no SMS).
 * Options: {@code captcha-id}, {@code captcha-key} (secret), {@code verify-url}, {@code script-url}, {@code timeout-ms}.
 */
public final class GeetestHumanCheckFactory extends RealmKeysHumanCheckFactory {

    public static final String PROVIDER_ID = "geetest";
    static final String DEFAULT_VERIFY_URL = "https://gcaptcha4.geetest.com/validate";
    static final String DEFAULT_SCRIPT_URL = "https://static.geetest.com/v4/gt4.js";
    /** Our adapter script under theme-resources/resources/js/: starts the widget and fills the four fields. */
    static final String ADAPTER = "sms-login-human-check-geetest.js";

    /** The widget's result, as the phone page's hidden inputs and the native-app API's request fields carry it. */
    public static final String LOT_NUMBER = "lot_number";
    public static final String CAPTCHA_OUTPUT = "captcha_output";
    public static final String PASS_TOKEN = "pass_token";
    public static final String GEN_TIME = "gen_time";

    private static final Logger LOG = Logger.getLogger(GeetestHumanCheckFactory.class);
    private static final Pattern LOT_NUMBER_SHAPE = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern GEN_TIME_SHAPE = Pattern.compile("[0-9]{1,13}");
    private static final int MAX_VALUE_LENGTH = 4096;
    private static final Set<String> RESULT_ERRORS = Set.of("-50002", "-50003", "-50004", "-50005");

    private final JsonFormEndpoint.Node node = new JsonFormEndpoint.Node(PROVIDER_ID);

    @Override
    protected List<String> keyOptions() {
        return List.of("captcha-id", "captcha-key");
    }

    @Override
    protected Built build(Function<String, String> option) {
        String captchaId = VendorConnection.text(option, "captcha-id", "");
        String captchaKey = VendorConnection.text(option, "captcha-key", "");
        String url = VendorConnection.text(option, "verify-url", DEFAULT_VERIFY_URL);
        // captcha_id in the URL, as GeeTest asks, so that its logs find a failed request by id
        URI verifyUrl = URI.create(url + (url.contains("?") ? "&" : "?") + "captcha_id=" + JsonFormEndpoint.encode(captchaId));
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("provider", PROVIDER_ID);
        attributes.put("scriptUrl", VendorConnection.text(option, "script-url", DEFAULT_SCRIPT_URL));
        attributes.put("adapter", ADAPTER);
        attributes.put("captchaId", captchaId);
        return Built.of(new Check(node.endpoint(verifyUrl, JsonFormEndpoint.timeout(option, PROVIDER_ID)), captchaId, captchaKey,
                Collections.unmodifiableMap(attributes)));
    }

    /** The check of one captcha id and key. */
    private record Check(JsonFormEndpoint endpoint, String captchaId, String captchaKey, Map<String, String> pageAttributes)
            implements HumanCheck {

        @Override
        public boolean passes(Map<String, String> form, String clientIp) {
            String lotNumber = form.get(LOT_NUMBER);
            String captchaOutput = form.get(CAPTCHA_OUTPUT);
            String passToken = form.get(PASS_TOKEN);
            String genTime = form.get(GEN_TIME);
            if (lotNumber == null || !LOT_NUMBER_SHAPE.matcher(lotNumber).matches()
                    || genTime == null || !GEN_TIME_SHAPE.matcher(genTime).matches()
                    || !present(captchaOutput) || !present(passToken)) {
                return false;   // nothing (or nothing GeeTest could have issued) to ask about
            }
            if (captchaId.isEmpty() || captchaKey.isEmpty()) {
                throw new HumanCheckUnavailableException("geetest has no captcha-id or captcha-key set", null);
            }
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put(LOT_NUMBER, lotNumber);
            fields.put(CAPTCHA_OUTPUT, captchaOutput);
            fields.put(PASS_TOKEN, passToken);
            fields.put(GEN_TIME, genTime);
            fields.put("sign_token", signToken(lotNumber, captchaKey));
            JsonObject json = endpoint.post(fields);
            String status = text(json, "status");
            if (!"success".equals(status)) {
                String code = text(json, "code");
                if (refusesTheResult(code)) {
                    LOG.debugf("geetest refused a result: %s %s", code, text(json, "msg"));
                    return false;
                }
                throw new HumanCheckUnavailableException("geetest answered status " + status + " (code " + code + ")", null);
            }
            boolean passed = "success".equals(text(json, "result"));
            if (!passed) {
                LOG.debugf("geetest refused a result: %s", text(json, "reason"));
            }
            return passed;
        }

        @Override
        public String toString() {
            return "geetest check of captcha id " + captchaId;
        }
    }

    /**
     * Whether GeeTest's error code is about the submitted result (a forged, replayed or expired one: the person is
     * refused), rather than about the request or the service (an unknown captcha id, a runtime error: unavailable).
     * GeeTest v4's server error codes: -50002 undecryptable parameters, -50003 repeated verification, -50004 XSS,
     * -50005 illegal gen_time, -503xx the lot_number (missing, unknown, expired, not matching) and its payload.
     */
    static boolean refusesTheResult(String code) {
        return code != null && (RESULT_ERRORS.contains(code) || code.startsWith("-503"));
    }

    /** GeeTest's {@code sign_token}: the lowercase hex HMAC-SHA256 of {@code lot_number}, keyed with the captcha key. */
    static String signToken(String lotNumber, String captchaKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(captchaKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(lotNumber.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("captcha-id").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("The CAPTCHA ID of the GeeTest v4 captcha (public: the page's widget shows it).").add()
                .property().name("captcha-key").type(ProviderConfigProperty.PASSWORD).secret(true)
                .helpText("The captcha key of that CAPTCHA ID (secret: signs each validation).").add()
                .property().name("verify-url").type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_VERIFY_URL)
                .helpText("GeeTest's secondary validation API.").add()
                .property().name("script-url").type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_SCRIPT_URL)
                .helpText("The widget's script (gt4.js), loaded by the phone page.").add()
                .property().name("timeout-ms").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(3000)
                .helpText("Connect and read timeout of the validation.").add()
                .build();
    }

    private static String text(JsonObject json, String name) {
        return JsonFormEndpoint.text(json, name);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank() && value.length() <= MAX_VALUE_LENGTH;
    }
}
