package dev.smslogin.testing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Tencent Cloud API signature v3, {@code TC3-HMAC-SHA256}, as the service computes it:
 * <ol>
 *   <li>canonical request: {@code METHOD \n URI \n QUERY \n name:value\n for each signed header (names and values in
 *       lower case, trimmed, sorted by name) \n signed header names joined by ; \n hex(SHA-256(payload))};</li>
 *   <li>string to sign: {@code TC3-HMAC-SHA256 \n timestamp \n date/service/tc3_request \n hex(SHA-256(canonical request))},
 *       the date being the timestamp's UTC day;</li>
 *   <li>signing key: HMAC-SHA256 chained over the date, the service and {@code tc3_request}, starting from
 *       {@code "TC3" + SecretKey}; the signature is hex(HMAC-SHA256(signing key, string to sign)).</li>
 * </ol>
 */
public final class TencentSignature {

    public static final String ALGORITHM = "TC3-HMAC-SHA256";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private TencentSignature() {
    }

    /** The UTC day of {@code timestamp} (seconds), as the credential scope names it. */
    public static String date(long timestamp) {
        return DATE.format(Instant.ofEpochSecond(timestamp));
    }

    /**
     * @param headers the signed headers, by lower-case name, in the order of {@code SignedHeaders}
     */
    public static String canonicalRequest(String method, String uri, String query, Map<String, String> headers, byte[] payload) {
        String canonicalHeaders = headers.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue().trim().toLowerCase(Locale.ROOT) + "\n")
                .collect(Collectors.joining());
        return method + "\n" + uri + "\n" + query + "\n" + canonicalHeaders + "\n" + String.join(";", headers.keySet())
                + "\n" + sha256Hex(payload);
    }

    public static String stringToSign(long timestamp, String service, String canonicalRequest) {
        return ALGORITHM + "\n" + timestamp + "\n" + date(timestamp) + "/" + service + "/tc3_request\n"
                + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    public static String signature(String secretKey, long timestamp, String service, String stringToSign) {
        byte[] secretDate = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date(timestamp));
        byte[] secretService = hmac(secretDate, service);
        byte[] secretSigning = hmac(secretService, "tc3_request");
        return HexFormat.of().formatHex(hmac(secretSigning, stringToSign));
    }

    /** The {@code Authorization} header of a request signed with the given headers. */
    public static String authorization(String secretId, String secretKey, long timestamp, String service, String method,
                                       Map<String, String> signedHeaders, byte[] payload) {
        String canonical = canonicalRequest(method, "/", "", signedHeaders, payload);
        String signature = signature(secretKey, timestamp, service, stringToSign(timestamp, service, canonical));
        return ALGORITHM + " Credential=" + secretId + "/" + date(timestamp) + "/" + service + "/tc3_request, SignedHeaders="
                + String.join(";", signedHeaders.keySet()) + ", Signature=" + signature;
    }

    /**
     * Checks a request's signature as Tencent Cloud API 3.0 does: an {@code Authorization} of Tencent's form, a known
     * SecretId, {@code X-TC-Timestamp} within {@code allowedSkewSeconds}, the credential scope's day and {@code service},
     * {@code content-type} and {@code host} among the signed headers (lower-case names), and the signature over the
     * canonical request with that SecretId's key.
     *
     * @param header   a request header by name
     * @param accounts SecretKey by SecretId
     * @return Tencent's error code for a refused request ({@code AuthFailure.*}), or null when it is well signed
     */
    public static String refusal(Function<String, String> header, String method, byte[] body, Map<String, String> accounts,
                                 String service, long allowedSkewSeconds) {
        Credential credential = Credential.parse(header.apply("Authorization"));
        if (credential == null) {
            return "AuthFailure.InvalidAuthorization";
        }
        String secretKey = accounts.get(credential.secretId());
        if (secretKey == null) {
            return "AuthFailure.SecretIdNotFound";
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(header.apply("X-TC-Timestamp"));
        } catch (NumberFormatException e) {
            return "AuthFailure.InvalidAuthorization";
        }
        if (Math.abs(Instant.now().getEpochSecond() - timestamp) > allowedSkewSeconds) {
            return "AuthFailure.SignatureExpire";
        }
        if (!credential.date().equals(date(timestamp)) || !credential.service().equals(service)
                || !credential.signedHeaders().contains("content-type") || !credential.signedHeaders().contains("host")) {
            return "AuthFailure.SignatureFailure";
        }
        Map<String, String> signed = new LinkedHashMap<>();
        for (String name : credential.signedHeaders()) {
            String value = header.apply(name);
            if (value == null || !name.equals(name.toLowerCase(Locale.ROOT))) {
                return "AuthFailure.SignatureFailure";
            }
            signed.put(name, value);
        }
        String canonical = canonicalRequest(method, "/", "", signed, body);
        String expected = signature(secretKey, timestamp, service, stringToSign(timestamp, service, canonical));
        return expected.equals(credential.signature()) ? null : "AuthFailure.SignatureFailure";
    }

    /** The parts of an {@code Authorization} header; null when it does not have Tencent's form. */
    public record Credential(String secretId, String date, String service, List<String> signedHeaders, String signature) {

        public static Credential parse(String authorization) {
            if (authorization == null || !authorization.startsWith(ALGORITHM + " ")) {
                return null;
            }
            String credential = null;
            String signedHeaders = null;
            String signature = null;
            for (String part : authorization.substring(ALGORITHM.length() + 1).split(",")) {
                String[] kv = part.trim().split("=", 2);
                if (kv.length != 2) {
                    return null;
                }
                switch (kv[0]) {
                    case "Credential" -> credential = kv[1];
                    case "SignedHeaders" -> signedHeaders = kv[1];
                    case "Signature" -> signature = kv[1];
                    default -> {
                        return null;
                    }
                }
            }
            if (credential == null || signedHeaders == null || signature == null) {
                return null;
            }
            String[] scope = credential.split("/");
            if (scope.length != 4 || !scope[3].equals("tc3_request")) {
                return null;
            }
            return new Credential(scope[0], scope[1], scope[2], List.of(signedHeaders.split(";")), signature);
        }
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
