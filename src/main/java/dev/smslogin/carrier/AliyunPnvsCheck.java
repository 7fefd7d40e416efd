package dev.smslogin.carrier;

import com.aliyuncs.CommonRequest;
import com.aliyuncs.CommonResponse;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.smslogin.cloudsdk.AliyunRpc;

import java.util.Map;
import java.util.Set;

/**
 * Aliyun's Phone Number Verification Service (号码认证服务, Dypnsapi, API version 2017-05-25) through the SDK core's
 * signed RPC calls: {@code GetMobile} ({@code AccessToken}, {@code OutId}) answers {@code GetMobileResultDTO.Mobile};
 * {@code VerifyMobile} ({@code AccessCode}, {@code PhoneNumber}, {@code OutId}) answers
 * {@code GateVerifyResultDTO.VerifyResult} ({@code PASS}, {@code REJECT}, {@code UNKNOWN}). A code that blames the
 * token or the typed number ({@code isv.TOKEN_INVALID}, ...) refuses the token; any other code, an HTTP error, a reply
 * that cannot be read or no reply within the timeout is an outage. Each call is tried once. The token and the numbers
 * are never logged, nor are Aliyun's messages (a signature error's message quotes the signed request).
 */
final class AliyunPnvsCheck implements CarrierCheck {

    static final String API_VERSION = "2017-05-25";
    static final String GET_MOBILE = "GetMobile";
    static final String VERIFY_MOBILE = "VerifyMobile";
    /** Codes that are the request's fault (its token or its number), with and without the {@code isv.} prefix. */
    private static final Set<String> REQUEST_FAULTS = Set.of("isv.TOKEN_INVALID", "TOKEN_INVALID", "isv.MOBILE_NUMBER_ILLEGAL",
            "MOBILE_NUMBER_ILLEGAL", "isv.INVALID_PARAMETERS", "INVALID_PARAMETERS");

    private final IAcsClient client;
    private final OneTapService service;

    AliyunPnvsCheck(IAcsClient client, OneTapService service) {
        this.client = client;
        this.service = service;
    }

    @Override
    public String mobile(String token, String outId) {
        JsonObject body = call(GET_MOBILE, Map.of("AccessToken", token, "OutId", outId));
        String mobile = text(object(body, "GetMobileResultDTO"), "Mobile");
        if (mobile == null || mobile.isBlank()) {
            throw new CarrierUnavailableException("Aliyun " + GET_MOBILE + " answered OK without a number (request " + text(body, "RequestId") + ")");
        }
        return mobile;
    }

    @Override
    public Verdict verify(String token, String phoneNumber, String outId) {
        JsonObject body = call(VERIFY_MOBILE, Map.of("AccessCode", token, "PhoneNumber", phoneNumber, "OutId", outId));
        String result = text(object(body, "GateVerifyResultDTO"), "VerifyResult");
        try {
            return Verdict.valueOf(String.valueOf(result));
        } catch (IllegalArgumentException e) {
            throw new CarrierUnavailableException("Aliyun " + VERIFY_MOBILE + " answered OK without a verdict (request " + text(body, "RequestId") + ")");
        }
    }

    /** The answer of {@code action} when its {@code Code} is {@code OK}. */
    private JsonObject call(String action, Map<String, String> parameters) {
        CommonResponse response;
        try {
            response = client.getCommonResponse(request(action, parameters));
        } catch (ClientException e) {
            // ServerException (HTTP 5xx) is a ClientException; HTTP 4xx carries Aliyun's code; the SDK names its own failures SDK.*
            if (REQUEST_FAULTS.contains(e.getErrCode())) {
                throw new CarrierTokenRefusedException(e.getErrCode());
            }
            throw new CarrierUnavailableException("Aliyun " + action + " failed: " + e.getErrCode() + " (request " + e.getRequestId() + ")");
        } catch (RuntimeException e) {
            throw new CarrierUnavailableException("Aliyun " + action + " failed: " + e.getClass().getSimpleName());
        }
        JsonObject body;
        try {
            body = JsonParser.parseString(response.getData()).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new CarrierUnavailableException("Aliyun " + action + " answered HTTP " + response.getHttpStatus() + " with a body that is not a JSON object");
        }
        String code = text(body, "Code");
        if (REQUEST_FAULTS.contains(code)) {
            throw new CarrierTokenRefusedException(code);
        }
        if (!"OK".equals(code)) {
            throw new CarrierUnavailableException("Aliyun " + action + " answered Code=" + code + " (request " + text(body, "RequestId") + ")");
        }
        return body;
    }

    private CommonRequest request(String action, Map<String, String> parameters) {
        CommonRequest request = AliyunRpc.request(service.protocol(), service.endpoint(), service.timeoutMillis(), service.timeoutMillis(),
                API_VERSION, action);
        // in the signed form body, not the URL: the token and the number stay out of access logs on the way
        parameters.forEach(request::putBodyParameter);
        return request;
    }

    private static JsonObject object(JsonObject object, String name) {
        JsonElement value = object.get(name);
        return value != null && value.isJsonObject() ? value.getAsJsonObject() : new JsonObject();
    }

    private static String text(JsonObject object, String name) {
        JsonElement value = object.get(name);
        return value == null || value.isJsonNull() || !value.isJsonPrimitive() ? null : value.getAsString();
    }
}
