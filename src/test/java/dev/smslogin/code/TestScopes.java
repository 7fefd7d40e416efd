package dev.smslogin.code;

import java.nio.charset.StandardCharsets;

/** Code scopes for the tests, named with a fixed secret, as a realm's key would name them. */
public final class TestScopes {

    public static final CodeHasher HASHER = new CodeHasher("test-secret-0123456789abcdef-0123".getBytes(StandardCharsets.UTF_8));

    private TestScopes() {
    }

    public static CodeScope scope(String realmId, String phoneE164, String sessionBinding) {
        return HASHER.scope(realmId, phoneE164, sessionBinding);
    }
}
