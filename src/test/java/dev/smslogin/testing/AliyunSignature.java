package dev.smslogin.testing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
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

    /** RFC 3986 unreserved characters stay, everything else is %XX (space is %20, * is %2A, ~ stays). */
    public static String percentEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }
}
