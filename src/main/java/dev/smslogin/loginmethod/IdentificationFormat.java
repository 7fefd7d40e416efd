package dev.smslogin.loginmethod;

import dev.smslogin.phone.PhoneNumber;

import java.util.List;
import java.util.Locale;

/**
 * How {@code user_login_method.identification} holds a phone number. New rows are written in the configured
 * format; rows in either format are found, so tables written by the original app (11-digit mainland numbers
 * without country code) keep working after a switch to E.164.
 */
public enum IdentificationFormat {
    /** {@code +8613912345678} */
    E164,
    /** {@code 13912345678}: the national significant number, as the original app wrote it */
    NATIONAL;

    public static IdentificationFormat parse(String value) {
        if (value == null || value.isBlank()) {
            return E164;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "e164" -> E164;
            case "national" -> NATIONAL;
            default -> throw new IllegalArgumentException("login-method-store: 'identification-format' must be e164 or national");
        };
    }

    public String write(PhoneNumber phone) {
        return this == E164 ? phone.e164() : phone.nationalNumber();
    }

    /** Every form a row for {@code phone} may hold, the configured one first. */
    public List<String> candidates(PhoneNumber phone) {
        return this == E164 ? List.of(phone.e164(), phone.nationalNumber()) : List.of(phone.nationalNumber(), phone.e164());
    }
}
