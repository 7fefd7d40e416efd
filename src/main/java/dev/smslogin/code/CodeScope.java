package dev.smslogin.code;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Whose code it is: one phone number in one realm. Stores key their records by {@link #id()}, a hash of
 * both, so that no phone number is written to the store in clear.
 */
public record CodeScope(String realmId, String phoneE164) {

    public String id() {
        return realmId + ":" + sha256(phoneE164).substring(0, 32);
    }

    static String sha256(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
