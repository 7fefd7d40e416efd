package dev.smslogin.code;

import dev.smslogin.phone.PhoneNumber;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Keyed hashes (HMAC-SHA256) under a server-side secret, with a key of its own per purpose: of a code over the code
 * and everything it is bound to (realm, phone number, login session), so that the same code typed in another login
 * session, for another number or another realm does not match; and of the names under which stores keep a number's,
 * a session's ({@link #scope}) and a client's ({@link #clientName}) records.
 */
public final class CodeHasher {

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] CODE_DOMAIN = "keycloak-sms-login/code/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NAME_DOMAIN = "keycloak-sms-login/record-name/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] USERNAME_DOMAIN = "keycloak-sms-login/username/v1".getBytes(StandardCharsets.UTF_8);

    private final byte[] codeKey;
    private final byte[] nameKey;
    private final byte[] usernameKey;

    /** @param secret the server-side secret; a key for each purpose is derived from it */
    public CodeHasher(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the code hashing secret must have at least 16 bytes");
        }
        this.codeKey = hmac(secret, CODE_DOMAIN);
        this.nameKey = hmac(secret, NAME_DOMAIN);
        this.usernameKey = hmac(secret, USERNAME_DOMAIN);
    }

    /** The scope of a code for {@code phone} in {@code realmId}, asked for in the login session {@code sessionBinding}. */
    public CodeScope scope(String realmId, PhoneNumber phone, String sessionBinding) {
        return new CodeScope(realmId, phone.e164(), phone.region(), sessionBinding,
                name("number", realmId, phone.e164(), 32), name("session", realmId, sessionBinding, 24));
    }

    /** As {@link #scope(String, PhoneNumber, String)}, for a number in E.164 form. */
    public CodeScope scope(String realmId, String phoneE164, String sessionBinding) {
        return scope(realmId, PhoneNumber.fromE164(phoneE164), sessionBinding);
    }

    /**
     * The name under which stores count the requests and sends of the client {@code clientKey} ({@link ClientKey}: an
     * IPv4 address, an IPv6 /64) in {@code realmId}: a keyed hash, so that no client address is written to a store in
     * clear, nor as a plain hash that a search over the address space would reverse. 32 hex digits (128 bits).
     */
    public String clientName(String realmId, String clientKey) {
        return name("client", realmId, clientKey, 32);
    }

    /**
     * The {@code attempt}-th opaque username of {@code phoneE164} in {@code realmId} (0 first): 24 hex digits (96 bits)
     * of a keyed hash, the same on every node for the same realm key, and telling nothing of the number without it.
     */
    public String username(String realmId, String phoneE164, int attempt) {
        String value = attempt == 0 ? phoneE164 : phoneE164 + "#" + attempt;
        byte[] message = String.join("\n", "username", realmId, value).getBytes(StandardCharsets.UTF_8);
        return HexFormat.of().formatHex(hmac(usernameKey, message)).substring(0, 24);
    }

    /**
     * The name under which stores remember that a single-use thing of {@code kind} (a carrier's one-tap token, say)
     * was used in {@code realmId} ({@link SmsCodeStore#claimOnce}): a keyed hash, so that a store never holds the
     * thing in clear. 32 hex digits (128 bits).
     */
    public String onceName(String realmId, String kind, String value) {
        return name("once/" + kind, realmId, value, 32);
    }

    public String hash(CodeScope scope, String code) {
        String message = String.join("\n", scope.realmId(), scope.phoneE164(), scope.sessionBinding(), code);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(codeKey, message.getBytes(StandardCharsets.UTF_8)));
    }

    /** Constant-time comparison of two hashes. */
    public static boolean matches(String expected, String candidate) {
        if (expected == null || candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), candidate.getBytes(StandardCharsets.US_ASCII));
    }

    private String name(String kind, String realmId, String value, int hexLength) {
        byte[] message = String.join("\n", kind, realmId, value).getBytes(StandardCharsets.UTF_8);
        return HexFormat.of().formatHex(hmac(nameKey, message)).substring(0, hexLength);
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
