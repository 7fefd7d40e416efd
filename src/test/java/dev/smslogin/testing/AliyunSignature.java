package dev.smslogin.testing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Aliyun's RPC signature, version 1.0, as the service computes it: HMAC-SHA1 under {@code secret + "&"} over
 * {@code METHOD & percent("/") & percent(sorted, percent-encoded parameters)}, Base64.
 */
public final class AliyunSignature {

    private AliyunSignature() {
    }

    public static String sign(String method, Map<String, String> parameters, String accessKeySecret) {
        Map<String, String> sorted = new TreeMap<>(parameters);
        sorted.remove("Signature");
        String canonical = sorted.entrySet().stream()
                .map(e -> percentEncode(e.getKey()) + "=" + percentEncode(e.getValue()))
                .collect(Collectors.joining("&"));
        String stringToSign = method + "&" + percentEncode("/") + "&" + percentEncode(canonical);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((accessKeySecret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What Aliyun's RPC gateway says of a request before its action runs: a known AccessKeyId ({@code secretOf} gives
     * its secret, or null), HMAC-SHA1 signature version 1.0 over all parameters, a timestamp within 15 minutes, an
     * unused nonce (added to {@code usedNonces}), the action and API version. Returns the gateway's error code, or
     * null when the request passes.
     */
    public static String refusal(String method, Map<String, String> params, Function<String, String> secretOf, Set<String> usedNonces,
                                 Set<String> actions, String version) {
        String secret = params.get("AccessKeyId") == null ? null : secretOf.apply(params.get("AccessKeyId"));
        if (secret == null) {
            return "InvalidAccessKeyId.NotFound";
        }
        if (!"HMAC-SHA1".equals(params.get("SignatureMethod")) || !"1.0".equals(params.get("SignatureVersion"))) {
            return "IncompleteSignature";
        }
        String signature = params.get("Signature");
        if (signature == null || !signature.equals(sign(method, params, secret))) {
            return "SignatureDoesNotMatch";
        }
        try {
            Instant timestamp = Instant.parse(params.getOrDefault("Timestamp", ""));
            if (Duration.between(timestamp, Instant.now()).abs().compareTo(Duration.ofMinutes(15)) > 0) {
                return "InvalidTimeStamp.Expired";
            }
        } catch (RuntimeException e) {
            return "InvalidTimeStamp.Format";
        }
        String nonce = params.get("SignatureNonce");
        if (nonce == null || !usedNonces.add(nonce)) {
            return "SignatureNonceUsed";
        }
        if (!actions.contains(params.get("Action")) || !version.equals(params.get("Version"))) {
            return "InvalidAction.NotFound";
        }
        return null;
    }

    /** RFC 3986 unreserved characters stay, everything else is %XX (space is %20, * is %2A, ~ stays). */
    public static String percentEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }
}
