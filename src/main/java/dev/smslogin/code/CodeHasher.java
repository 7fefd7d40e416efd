package dev.smslogin.code;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Keyed hash of a code: HMAC-SHA256 under a server-side secret over the code and everything it is bound to
 * (realm, phone number, login session). The same code typed in another login session, for another number or
 * another realm hashes differently, so it does not match.
 */
public final class CodeHasher {

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] DOMAIN = "keycloak-sms-login/code/v1".getBytes(StandardCharsets.UTF_8);

    private final byte[] key;

    /** @param secret the server-side secret; a purpose-specific key is derived from it */
    public CodeHasher(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the code hashing secret must have at least 16 bytes");
        }
        this.key = hmac(secret, DOMAIN);
    }

    public String hash(CodeScope scope, String code) {
        String message = String.join("\n", scope.realmId(), scope.phoneE164(), scope.sessionBinding(), code);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, message.getBytes(StandardCharsets.UTF_8)));
    }

    /** Constant-time comparison of two hashes. */
    public static boolean matches(String expected, String candidate) {
        if (expected == null || candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), candidate.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
