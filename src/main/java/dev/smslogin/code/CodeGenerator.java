package dev.smslogin.code;

import java.security.SecureRandom;

/** Makes one-time codes: {@code length} decimal digits from a {@link SecureRandom}, leading zeros included. */
public final class CodeGenerator {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CodeGenerator() {
    }

    public static String generate(int length) {
        if (length < 1 || length > 9) {
            throw new IllegalArgumentException("code length out of range: " + length);
        }
        int bound = (int) Math.pow(10, length);
        int value = RANDOM.nextInt(bound);
        return String.format("%0" + length + "d", value);
    }
}
