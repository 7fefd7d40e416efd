package dev.smslogin.code;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Whose code it is: one phone number in one realm, asked for from one login session (browser tab). Cooldown and
 * send windows belong to the number ({@link #id()}); each login session holds at most one code of its own
 * ({@link #sessionId()}), bound to it by its hash. Stores key their records by hashes, so no phone number is
 * written to the store in clear. Both hashes are computed once, when the scope is made: a store names several
 * keys after them in one operation.
 */
public final class CodeScope {

    private final String realmId;
    private final String phoneE164;
    private final String sessionBinding;
    private final String id;
    private final String sessionId;

    public CodeScope(String realmId, String phoneE164, String sessionBinding) {
        this.realmId = realmId;
        this.phoneE164 = phoneE164;
        this.sessionBinding = sessionBinding;
        this.id = realmId + ":" + sha256(phoneE164).substring(0, 32);
        this.sessionId = sha256(sessionBinding).substring(0, 24);
    }

    public String realmId() {
        return realmId;
    }

    public String phoneE164() {
        return phoneE164;
    }

    public String sessionBinding() {
        return sessionBinding;
    }

    /** The number's identity in the store: realm and a hash of the number. */
    public String id() {
        return id;
    }

    /** The login session's identity in the store. */
    public String sessionId() {
        return sessionId;
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
