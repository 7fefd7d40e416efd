package dev.smslogin.code;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Whose code it is: one phone number in one realm, asked for from one login session (browser tab). Cooldown and
 * send windows belong to the number ({@link #id()}); each login session holds at most one code of its own
 * ({@link #sessionId()}), bound to it by its hash. Stores key their records by hashes, so no phone number is
 * written to the store in clear.
 */
public record CodeScope(String realmId, String phoneE164, String sessionBinding) {

    /** The number's identity in the store: realm and a hash of the number. */
    public String id() {
        return realmId + ":" + sha256(phoneE164).substring(0, 32);
    }

    /** The login session's identity in the store. */
    public String sessionId() {
        return sha256(sessionBinding).substring(0, 24);
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
