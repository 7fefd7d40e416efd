package dev.smslogin.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A local stand-in for Tencent Cloud SMS {@code SendSms} (API 2021-01-11): checks every request the way Tencent Cloud
 * API 3.0 does (a known SecretId, the {@code TC3-HMAC-SHA256} signature over the canonical request with the secret
 * key, the credential scope's day and service {@code sms}, {@code X-TC-Timestamp} within five minutes, the action,
 * version and region headers), then the SMS application, sign name, template and its one parameter, and answers in
 * Tencent's shapes: {@code Response.Error} for a refused call, {@code Response.SendStatusSet} with a {@code Code} per
 * number otherwise. Records every message it took.
 *
 * <p>Tencent signs a request for the service named by the first label of the host ({@code sms.tencentcloudapi.com}),
 * so the fake is reached by a name of that form, {@link #HOST}: tests resolve it to the loopback address (an
 * OkHttp {@code Dns}, or a Keycloak JVM started with {@code -Djdk.net.hosts.file=}{@link #hostsFile}).
 */
public final class FakeTencentSms extends FakeVendorApi<FakeTencentSms.Message> {

    /** The name tests give the fake: the service {@code sms}, as in {@code sms.tencentcloudapi.com}. */
    public static final String HOST = "sms.fake-tencent.test";
    public static final String SECRET_ID = "AKIDtestSecretId0000000000000000000";
    public static final String SECRET_KEY = "testSecretKey000000000000000000";
    public static final String SDK_APP_ID = "1400000001";
    public static final String SIGN_NAME = "短信登录测试";
    public static final String TEMPLATE_ID = "1000001";
    /** Templates approved for one purpose each (identity verification, second factor, password change). */
    public static final String TEMPLATE_ID_VERIFY = "1000002";
    public static final String TEMPLATE_ID_SECOND_FACTOR = "1000003";
    public static final String TEMPLATE_ID_RESET = "1000004";
    /** A second brand's sign name and template, approved in the same SMS application. */
    public static final String OTHER_BRAND_SIGN_NAME = "第二品牌";
    public static final String OTHER_BRAND_TEMPLATE_ID = "2000001";
    public static final String ACTION = "SendSms";
    public static final String VERSION = "2021-01-11";
    /** The regions Tencent's SMS API is served in. */
    public static final Set<String> REGIONS = Set.of("ap-guangzhou", "ap-beijing", "ap-nanjing");
    private static final Set<String> APPROVED_SIGN_NAMES = Set.of(SIGN_NAME, OTHER_BRAND_SIGN_NAME);
    private static final Set<String> APPROVED_TEMPLATES = Set.of(TEMPLATE_ID, TEMPLATE_ID_VERIFY, TEMPLATE_ID_SECOND_FACTOR,
            TEMPLATE_ID_RESET, OTHER_BRAND_TEMPLATE_ID);
    private static final long ALLOWED_SKEW_SECONDS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> accounts = new java.util.concurrent.ConcurrentHashMap<>(Map.of(SECRET_ID, SECRET_KEY));

    /** One number of an accepted {@code SendSms} call. */
    public record Message(String phoneNumber, String smsSdkAppId, String signName, String templateId,
                          List<String> templateParams, String region, String secretId, Instant at) {
        /** The code: the template's only parameter. */
        public String code() {
            if (templateParams.size() != 1) {
                throw new IllegalStateException("not one template parameter: " + templateParams.size());
            }
            return templateParams.get(0);
        }
    }

    private final AtomicReference<String> numberStatus = new AtomicReference<>();

    private FakeTencentSms(String address) throws IOException {
        super(address, Message::phoneNumber);
    }

    public static FakeTencentSms start() throws IOException {
        return new FakeTencentSms("127.0.0.1");
    }

    /** {@code sms.fake-tencent.test:port}: the sender's {@code endpoint}. */
    public String endpoint() {
        return HOST + ":" + port();
    }

    /**
     * A hosts file for {@code -Djdk.net.hosts.file}: this machine's {@code /etc/hosts} and {@link #HOST} on the
     * loopback address.
     */
    public static Path hostsFile(Path file) throws IOException {
        return LoopbackHosts.file(file, HOST);
    }

    /** The code of the last message to {@code e164} (Tencent's form: {@code +8613912345678}). */
    public String lastCodeTo(String e164) {
        return lastMessageTo(e164).code();
    }

    /** Tencent refuses the whole call: {@code Response.Error} with {@code code}. */
    public static Misbehaviour apiError(String code) {
        return Misbehaviour.answer(200, error(code, "fake " + code));
    }

    /**
     * The call succeeds, but each number's {@code SendStatus} carries {@code code} instead of {@code Ok} (as for a
     * number over its daily limit); null: each number is sent again.
     */
    public void refuseEachNumber(String code) {
        numberStatus.set(code);
    }

    @Override
    public void reset() {
        super.reset();
        numberStatus.set(null);
    }

    @Override
    protected Reply authenticate(Request request) {
        String refusal = refusal(request, accounts);
        if (refusal == null) {
            return null;
        }
        rejected(refusal);
        return new Reply(200, error(refusal, "fake " + refusal));
    }

    /** Accepts the API key of another account (a realm's own), beside the server's. */
    public void acceptAccount(String secretId, String secretKey) {
        accounts.put(secretId, secretKey);
    }

    private static String refusal(Request request, Map<String, String> accounts) {
        return TencentSignature.refusal(request::header, request.method(), request.body(), accounts, "sms", ALLOWED_SKEW_SECONDS);
    }

    @Override
    protected Reply answer(Request request) {
        if (!ACTION.equals(request.header("X-TC-Action"))) {
            return new Reply(200, error("InvalidAction", "no action " + request.header("X-TC-Action")));
        }
        if (!VERSION.equals(request.header("X-TC-Version"))) {
            return new Reply(200, error("NoSuchVersion", "no version " + request.header("X-TC-Version")));
        }
        String region = request.header("X-TC-Region");
        String secretId = TencentSignature.Credential.parse(request.header("Authorization")).secretId();
        if (!REGIONS.contains(region)) {
            return new Reply(200, error("UnsupportedRegion", "SMS is not served in " + region));
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (IOException e) {
            return new Reply(200, error("FailedOperation.JsonParseFail", "not JSON"));
        }
        String refusal = sendSmsRefusal(body);
        if (refusal != null) {
            return new Reply(200, error(refusal, "fake " + refusal));
        }
        List<String> params = new ArrayList<>();
        body.path("TemplateParamSet").forEach(p -> params.add(p.asText()));
        ObjectNode response = JSON.createObjectNode();
        ObjectNode inner = response.putObject("Response");
        ArrayNode statuses = inner.putArray("SendStatusSet");
        for (JsonNode number : body.path("PhoneNumberSet")) {
            String phone = number.asText();
            String code = phone.matches("\\+[1-9][0-9]{6,14}") ? numberStatus.get() : "InvalidParameterValue.IncorrectPhoneNumber";
            ObjectNode status = statuses.addObject();
            status.put("SerialNo", code == null ? "2028:" + System.nanoTime() : "");
            status.put("PhoneNumber", phone);
            status.put("Fee", code == null ? 1 : 0);
            status.put("SessionContext", body.path("SessionContext").asText(""));
            status.put("Code", code == null ? "Ok" : code);
            status.put("Message", code == null ? "send success" : "fake " + code);
            status.put("IsoCode", phone.startsWith("+86") ? "CN" : "");
            if (code == null) {
                accepted(new Message(phone, body.path("SmsSdkAppId").asText(), body.path("SignName").asText(),
                        body.path("TemplateId").asText(), List.copyOf(params), region, secretId, Instant.now()));
            }
        }
        inner.put("RequestId", UUID.randomUUID().toString());
        return new Reply(200, response.toString());
    }

    private static String sendSmsRefusal(JsonNode body) {
        if (!SDK_APP_ID.equals(body.path("SmsSdkAppId").asText(null))) {
            return "UnauthorizedOperation.SmsSdkAppIdVerifyFail";
        }
        if (!body.path("PhoneNumberSet").isArray() || body.path("PhoneNumberSet").isEmpty()) {
            return "MissingParameter.EmptyPhoneNumberSet";
        }
        if (!APPROVED_SIGN_NAMES.contains(body.path("SignName").asText(""))) {
            return "FailedOperation.SignatureIncorrectOrUnapproved";
        }
        if (!APPROVED_TEMPLATES.contains(body.path("TemplateId").asText(""))) {
            return "FailedOperation.TemplateIncorrectOrUnapproved";
        }
        JsonNode params = body.path("TemplateParamSet");
        if (!params.isArray() || params.size() != 1 || !params.get(0).isTextual()) {
            return "FailedOperation.TemplateParamSetNotMatchApprovedTemplate";
        }
        return null;
    }

    private static String error(String code, String message) {
        ObjectNode response = JSON.createObjectNode();
        ObjectNode inner = response.putObject("Response");
        inner.putObject("Error").put("Code", code).put("Message", message);
        inner.put("RequestId", UUID.randomUUID().toString());
        return response.toString();
    }
}
