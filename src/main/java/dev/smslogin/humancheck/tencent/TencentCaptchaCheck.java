package dev.smslogin.humancheck.tencent;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.tencentcloudapi.common.CommonClient;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import dev.smslogin.cloudsdk.TencentClients;
import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.humancheck.HumanCheckUnavailableException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the widget's {@code ticket} and {@code randstr} with {@code DescribeCaptchaResult} (CAPTCHA API 2019-07-22,
 * {@code CaptchaType} 9) through Tencent's SDK: {@code CaptchaCode} 1 passes; a code about the ticket itself (forged,
 * reused, expired, of another application, refused by Tencent's risk control) fails; an SDK, HTTP or service error, a
 * code about the service or the account, or no answer within the timeout is an outage
 * ({@link HumanCheckUnavailableException}: no SMS). Each call is tried once. The ticket, the randstr and the keys are
 * never logged.
 */
final class TencentCaptchaCheck implements HumanCheck {

    /** The form fields (and native-app API fields) that carry the widget's result, named as Tencent's callback names them. */
    static final String TICKET = "ticket";
    static final String RANDSTR = "randstr";
    static final String ACTION = "DescribeCaptchaResult";
    /** The file of our adapter under the theme's {@code resources/js/}. */
    static final String ADAPTER = "sms-login-human-check-tencent-captcha.js";
    /** Longer than any ticket the widget gives (a few hundred characters); longer ones are refused unasked. */
    static final int MAX_TICKET_LENGTH = 4096;
    private static final Pattern RANDSTR_SHAPE = Pattern.compile("[!-~]{1,64}");
    /** {@code CaptchaCode} 1: the ticket is good. */
    static final int PASSED = 1;
    /**
     * The codes about the ticket itself (Tencent's DescribeCaptchaResult reference): 6 the ticket's length, 7 a randstr
     * that does not match, 8 expired, 9 reused, 10 malformed, 15 undecryptable, 16 of another CaptchaAppId, 21 refused
     * by risk control (or a client-side fallback ticket, which this check does not accept), 25 invalid, 100 not of this
     * CaptchaAppId and AppSecretKey. Any other code (26 Tencent's internal error, 31 no package or arrears, new ones)
     * is an outage: fail closed.
     */
    static final Set<Integer> REFUSED = Set.of(6, 7, 8, 9, 10, 15, 16, 21, 25, 100);

    private static final Logger LOG = Logger.getLogger(TencentCaptchaCheck.class);

    private final CommonClient client;
    private final TencentCaptchaSettings settings;
    private final List<String> missingOptions;
    private final Map<String, String> pageAttributes;

    /** @param client built for {@code settings}, or null when they lack an option: every check is then unavailable */
    TencentCaptchaCheck(CommonClient client, TencentCaptchaSettings settings) {
        this.client = client;
        this.settings = settings;
        this.missingOptions = settings.missingOptions();
        this.pageAttributes = Map.of(
                "provider", TencentCaptchaHumanCheckFactory.PROVIDER_ID,
                "scriptUrl", settings.scriptUrl(),
                "adapter", ADAPTER,
                "captchaAppId", settings.captchaAppId() == null ? "" : settings.captchaAppId());
    }

    @Override
    public Map<String, String> pageAttributes() {
        return pageAttributes;
    }

    @Override
    public boolean passes(Map<String, String> form, String clientIp) {
        String ticket = form.get(TICKET);
        String randstr = form.get(RANDSTR);
        if (ticket == null || ticket.isBlank() || ticket.length() > MAX_TICKET_LENGTH
                || randstr == null || !RANDSTR_SHAPE.matcher(randstr).matches()) {
            return false;   // nothing (or nothing Tencent could have issued) to ask about
        }
        if (client == null) {
            throw new HumanCheckUnavailableException("tencent-captcha is not configured; missing options: " + missingOptions, null);
        }
        return verdict(call(request(ticket, randstr, clientIp)));
    }

    private String request(String ticket, String randstr, String clientIp) {
        JsonObject request = new JsonObject();
        request.addProperty("CaptchaType", 9);
        request.addProperty("Ticket", ticket);
        request.addProperty("UserIp", clientIp == null ? "" : clientIp);
        request.addProperty("Randstr", randstr);
        request.addProperty("CaptchaAppId", Long.parseLong(settings.captchaAppId()));
        request.addProperty("AppSecretKey", settings.appSecretKey());
        return request.toString();
    }

    private String call(String request) {
        try {
            return client.call(ACTION, request);
        } catch (TencentCloudSDKException e) {
            if (e.getCause() instanceof TencentClients.UnexpectedStatus status) {
                throw new HumanCheckUnavailableException("Tencent " + ACTION + " answered HTTP " + status.status(), null);
            }
            if (e.getCause() instanceof IOException io) {
                throw new HumanCheckUnavailableException("Tencent " + ACTION + " failed: " + io.getClass().getSimpleName(), null);
            }
            String code = e.getErrorCode();
            throw new HumanCheckUnavailableException("Tencent " + ACTION + " failed: "
                    + (code == null || code.isEmpty() ? "an answer that is not Tencent's" : "Code=" + code + " (request " + e.getRequestId() + ")"), null);
        } catch (RuntimeException e) {
            throw new HumanCheckUnavailableException("Tencent " + ACTION + " failed: " + e.getClass().getSimpleName(), null);
        }
    }

    private static boolean verdict(String body) {
        JsonObject response;
        try {
            response = JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("Response");
        } catch (RuntimeException e) {
            response = null;
        }
        JsonElement code = response == null ? null : response.get("CaptchaCode");
        if (code == null || !code.isJsonPrimitive() || !code.getAsJsonPrimitive().isNumber()) {
            throw new HumanCheckUnavailableException("Tencent " + ACTION + " answered without a CaptchaCode", null);
        }
        int captchaCode = code.getAsInt();
        String requestId = response.has("RequestId") && response.get("RequestId").isJsonPrimitive() ? response.get("RequestId").getAsString() : null;
        if (captchaCode == PASSED) {
            return true;
        }
        if (REFUSED.contains(captchaCode)) {
            LOG.debugf("Tencent CAPTCHA refused a ticket: CaptchaCode=%d (request %s)", captchaCode, requestId);
            return false;
        }
        throw new HumanCheckUnavailableException("Tencent " + ACTION + " answered CaptchaCode=" + captchaCode + " (request " + requestId + ")", null);
    }
}
