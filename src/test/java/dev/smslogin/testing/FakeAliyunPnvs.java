package dev.smslogin.testing;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local stand-in for Aliyun's Phone Number Verification Service (号码认证服务, Dypnsapi 2017-05-25, RPC style, as at
 * {@code dypnsapi.aliyuncs.com}): {@code GetMobile} and {@code VerifyMobile}.
 *
 * <p>Every request is checked as Aliyun's RPC gateway does ({@link AliyunSignature#refusal}: known AccessKeyId,
 * HMAC-SHA1 signature over all parameters, timestamp window, unused nonce, action and version); by default the fake
 * knows the AccessKey pair of {@link FakeAliyunSms} (the same Aliyun account), others with {@link #acceptAccount}. A
 * token is issued by the test for the number of a "SIM" ({@link #issue}), and is good for one call: used again, or
 * never issued, it gets Aliyun's {@code isv.TOKEN_INVALID}. {@code GetMobile} answers the SIM's 11 digits;
 * {@code VerifyMobile} {@code PASS} when {@code PhoneNumber} is the SIM's, {@code REJECT} when not, {@code UNKNOWN}
 * for a token issued with {@link #issueUnknown()} (a SIM the carrier cannot tell). Tests can make it slow, down or
 * answer any error code ({@link #misbehave}).
 */
public final class FakeAliyunPnvs extends FakeVendorApi<FakeAliyunPnvs.Call> {

    public static final String VERSION = "2017-05-25";
    public static final String GET_MOBILE = "GetMobile";
    public static final String VERIFY_MOBILE = "VerifyMobile";
    /** The number of a SIM the carrier cannot tell. */
    private static final String UNKNOWN_SIM = "unknown";

    /** One call the fake answered with good credentials: the action, the SIM's number (or null), what it answered. */
    public record Call(String action, String simNumber, String outId, String answer, Instant at) {
    }

    private final Map<String, String> accounts = new ConcurrentHashMap<>(Map.of(FakeAliyunSms.ACCESS_KEY_ID, FakeAliyunSms.ACCESS_KEY_SECRET));
    private final Set<String> usedNonces = ConcurrentHashMap.newKeySet();
    /** Issued, unused token -> the SIM's number. */
    private final Map<String, String> issued = new ConcurrentHashMap<>();

    private FakeAliyunPnvs() throws IOException {
        super("127.0.0.1", call -> call.action());
    }

    public static FakeAliyunPnvs start() throws IOException {
        return new FakeAliyunPnvs();
    }

    /** {@code 127.0.0.1:port}: the server's {@code one-tap-endpoint} (with {@code one-tap-protocol=http}). */
    public String endpoint() {
        return address();
    }

    /** Accepts the AccessKey pair of another Aliyun account. */
    public void acceptAccount(String accessKeyId, String accessKeySecret) {
        accounts.put(accessKeyId, accessKeySecret);
    }

    /** A token as the one-click SDK gives one on a phone whose SIM has {@code national} (11 digits): good for one call. */
    public String issue(String national) {
        String token = random(64);
        issued.put(token, national);
        return token;
    }

    /** A token of a SIM whose number the carrier cannot tell: {@code VerifyMobile} answers {@code UNKNOWN}. */
    public String issueUnknown() {
        return issue(UNKNOWN_SIM);
    }

    /** A token of the SDK's shape that the fake never issued (made up). */
    public static String forged() {
        return random(64);
    }

    /** The calls of {@code action} the fake answered. */
    public long calls(String action) {
        return messagesTo(action).size();
    }

    /** The service down: HTTP 503 with Aliyun's error body. */
    public static Misbehaviour down() {
        return Misbehaviour.answer(503, error("ServiceUnavailable", "The request has failed due to a temporary failure of the server."));
    }

    /** A call answered HTTP 200 with Aliyun's error {@code code}, as for a business error (balance, RAM, throttling). */
    public static Misbehaviour errorCode(String code) {
        return Misbehaviour.answer(200, error(code, "fake " + code));
    }

    @Override
    protected Reply authenticate(Request request) {
        Map<String, String> params = params(request);
        String refused = AliyunSignature.refusal(request.method(), params, accounts::get, usedNonces, Set.of(GET_MOBILE, VERIFY_MOBILE), VERSION);
        if (refused == null) {
            return null;
        }
        rejected(refused);
        return new Reply(refused.startsWith("InvalidAccessKeyId") ? 404 : 400, error(refused, refused));
    }

    @Override
    protected Reply answer(Request request) {
        Map<String, String> params = params(request);
        String action = params.get("Action");
        String token = params.get(action.equals(GET_MOBILE) ? "AccessToken" : "AccessCode");
        if (token == null || token.isBlank()) {
            return new Reply(400, error("MissingParameter", (action.equals(GET_MOBILE) ? "AccessToken" : "AccessCode") + " is mandatory."));
        }
        String sim = issued.remove(token);
        if (sim == null) {
            accepted(new Call(action, null, params.get("OutId"), "isv.TOKEN_INVALID", Instant.now()));
            return new Reply(200, error("isv.TOKEN_INVALID", "token invalid"));
        }
        String requestId = UUID.randomUUID().toString();
        if (action.equals(GET_MOBILE)) {
            accepted(new Call(action, sim, params.get("OutId"), "OK", Instant.now()));
            return new Reply(200, "{\"Code\":\"OK\",\"Message\":\"OK\",\"RequestId\":\"" + requestId
                    + "\",\"GetMobileResultDTO\":{\"Mobile\":\"" + sim + "\"}}");
        }
        String phone = params.get("PhoneNumber");
        if (phone == null || !phone.matches("1[0-9]{10}")) {
            accepted(new Call(action, sim, params.get("OutId"), "isv.MOBILE_NUMBER_ILLEGAL", Instant.now()));
            return new Reply(200, error("isv.MOBILE_NUMBER_ILLEGAL", "mobile number illegal"));
        }
        String verdict = sim.equals(UNKNOWN_SIM) ? "UNKNOWN" : sim.equals(phone) ? "PASS" : "REJECT";
        accepted(new Call(action, sim, params.get("OutId"), verdict, Instant.now()));
        return new Reply(200, "{\"Code\":\"OK\",\"Message\":\"OK\",\"RequestId\":\"" + requestId
                + "\",\"GateVerifyResultDTO\":{\"VerifyId\":\"" + random(12) + "\",\"VerifyResult\":\"" + verdict + "\"}}");
    }

    private static Map<String, String> params(Request request) {
        Map<String, String> params = new HashMap<>(FakeAliyunSms.parse(request.exchange().getRequestURI().getRawQuery()));
        params.putAll(FakeAliyunSms.parse(request.bodyText()));
        return params;
    }

    static String error(String code, String message) {
        return "{\"RequestId\":\"" + UUID.randomUUID() + "\",\"HostId\":\"dypnsapi.aliyuncs.com\",\"Code\":\"" + code
                + "\",\"Message\":\"" + message + "\",\"Recommend\":\"https://api.aliyun.com/troubleshoot\"}";
    }

    private static String random(int length) {
        return FakeVendorApi.randomText(length);
    }
}
