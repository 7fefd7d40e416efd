package dev.smslogin.humancheck.aliyun;

import com.aliyuncs.CommonRequest;
import com.aliyuncs.CommonResponse;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.smslogin.cloudsdk.AliyunRpc;
import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.humancheck.HumanCheckUnavailableException;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;

/**
 * Checks the widget's {@code CaptchaVerifyParam} with {@code VerifyIntelligentCaptcha} (Captcha 2.0, API 2023-03-05):
 * {@code Result.VerifyResult} true passes, false fails; an error code, an HTTP error, a reply it cannot read or no
 * reply within the timeout is an outage ({@link HumanCheckUnavailableException}: no SMS). Each call is tried once.
 * The parameter is a secret of the moment: it is never logged, and neither are Aliyun's messages (a signature error's
 * message quotes the signed request).
 */
final class AliyunCaptchaCheck implements HumanCheck {

    /** The form field (and native-app API field) that carries the widget's {@code CaptchaVerifyParam}. */
    static final String FIELD = "captcha_verify_param";
    static final String API_VERSION = "2023-03-05";
    static final String ACTION = "VerifyIntelligentCaptcha";
    /** The file of our adapter under the theme's {@code resources/js/}. */
    static final String ADAPTER = "sms-login-human-check-aliyun-captcha.js";
    /** Longer than any parameter the widget gives (about 1 to 2 KB); longer ones are refused unasked. */
    static final int MAX_PARAM_LENGTH = 8192;

    private static final Logger LOG = Logger.getLogger(AliyunCaptchaCheck.class);

    private final IAcsClient client;
    private final AliyunCaptchaSettings settings;
    private final List<String> missingOptions;
    private final Map<String, String> pageAttributes;

    /** @param client built for {@code settings}, or null when they lack an option: every check is then unavailable */
    AliyunCaptchaCheck(IAcsClient client, AliyunCaptchaSettings settings) {
        this.client = client;
        this.settings = settings;
        this.missingOptions = settings.missingOptions();
        // scriptUrl stays empty on purpose: Aliyun's widget reads window.AliyunCaptchaConfig (region, prefix) when its
        // script loads, so the page must not load it first; our adapter sets that global, then loads widgetScriptUrl
        this.pageAttributes = Map.of(
                "provider", AliyunCaptchaHumanCheckFactory.PROVIDER_ID,
                "scriptUrl", "",
                "widgetScriptUrl", settings.scriptUrl(),
                "adapter", ADAPTER,
                "sceneId", settings.sceneId() == null ? "" : settings.sceneId(),
                "prefix", settings.prefix() == null ? "" : settings.prefix(),
                "region", settings.widgetRegion());
    }

    @Override
    public Map<String, String> pageAttributes() {
        return pageAttributes;
    }

    @Override
    public boolean passes(Map<String, String> form, String clientIp) {
        String param = form.get(FIELD);
        if (param == null || param.isBlank() || param.length() > MAX_PARAM_LENGTH) {
            return false;
        }
        if (client == null) {
            throw new HumanCheckUnavailableException("aliyun-captcha is not configured; missing options: " + missingOptions, null);
        }
        return verdict(call(param));
    }

    private CommonResponse call(String param) {
        try {
            return client.getCommonResponse(request(param));
        } catch (ClientException e) {
            // ServerException (HTTP 5xx) is a ClientException; the SDK names its own failures (no answer) SDK.*
            throw new HumanCheckUnavailableException("Aliyun " + ACTION + " failed: " + e.getErrCode() + " (request "
                    + e.getRequestId() + ")", null);
        } catch (RuntimeException e) {
            throw new HumanCheckUnavailableException("Aliyun " + ACTION + " failed: " + e.getClass().getSimpleName(), null);
        }
    }

    private CommonRequest request(String param) {
        CommonRequest request = AliyunRpc.request(settings.protocol(), settings.endpoint(), settings.timeoutMillis(), settings.timeoutMillis(),
                API_VERSION, ACTION);
        // in the signed form body, not the URL: the parameter stays out of access logs on the way
        request.putBodyParameter("SceneId", settings.sceneId());
        request.putBodyParameter("CaptchaVerifyParam", param);
        return request;
    }

    private static boolean verdict(CommonResponse response) {
        JsonObject body;
        try {
            body = JsonParser.parseString(response.getData()).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new HumanCheckUnavailableException("Aliyun " + ACTION + " answered HTTP " + response.getHttpStatus()
                    + " with a body that is not a JSON object", null);
        }
        String code = text(body, "Code");
        String requestId = text(body, "RequestId");
        JsonElement success = body.get("Success");
        boolean refusedCall = success != null && !(success.isJsonPrimitive() && success.getAsJsonPrimitive().isBoolean()
                && success.getAsBoolean()) || code != null && !code.equalsIgnoreCase("Success");
        JsonElement result = body.get("Result");
        JsonElement verifyResult = result != null && result.isJsonObject() ? result.getAsJsonObject().get("VerifyResult") : null;
        if (refusedCall || verifyResult == null || !verifyResult.isJsonPrimitive() || !verifyResult.getAsJsonPrimitive().isBoolean()) {
            throw new HumanCheckUnavailableException("Aliyun " + ACTION + " answered Code=" + code + " without a verdict (request "
                    + requestId + ")", null);
        }
        boolean passed = verifyResult.getAsBoolean();
        if (!passed) {
            LOG.debugf("Aliyun CAPTCHA refused a check: VerifyCode=%s (request %s)", text(result.getAsJsonObject(), "VerifyCode"), requestId);
        }
        return passed;
    }

    private static String text(JsonObject object, String name) {
        JsonElement value = object.get(name);
        return value == null || value.isJsonNull() || !value.isJsonPrimitive() ? null : value.getAsString();
    }
}
