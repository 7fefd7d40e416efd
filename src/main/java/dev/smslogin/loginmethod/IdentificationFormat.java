package dev.smslogin.loginmethod;

import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phone.PhoneNumberParser;

import java.util.List;
import java.util.Locale;

/**
 * How {@code user_login_method.identification} holds a phone number. The original app wrote numbers of one region
 * (mainland China) as bare national numbers; those carry no country, so the national form means a number only for
 * that region ({@code nationalRegion}): only its numbers are written ({@link Format#NATIONAL}) and found in that form.
 * Every other number is written and found only as E.164, so that {@code +49 151 2345 6789} never matches the
 * mainland row {@code 15123456789}, nor {@code +853 6612 3456} a row written for {@code +852 6612 3456}.
 */
public record IdentificationFormat(Format format, String nationalRegion, int nationalCallingCode) {

    public enum Format {
        /** {@code +8613912345678} */
        E164,
        /** {@code 13912345678}: the national significant number, as the original app wrote it */
        NATIONAL
    }

    public static final String DEFAULT_NATIONAL_REGION = "CN";

    /**
     * @param format         {@code e164} (default) or {@code national}
     * @param nationalRegion the ISO 3166 region whose numbers the app's rows hold without country code (default CN)
     */
    public static IdentificationFormat parse(String format, String nationalRegion) {
        Format parsed;
        if (format == null || format.isBlank()) {
            parsed = Format.E164;
        } else {
            parsed = switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "e164" -> Format.E164;
                case "national" -> Format.NATIONAL;
                default -> throw new IllegalArgumentException("login-method-store: 'identification-format' must be e164 or national");
            };
        }
        String region = nationalRegion == null || nationalRegion.isBlank() ? DEFAULT_NATIONAL_REGION
                : nationalRegion.trim().toUpperCase(Locale.ROOT);
        int callingCode = PhoneNumberParser.callingCode(region);
        if (callingCode == 0) {
            throw new IllegalArgumentException("login-method-store: 'national-region' must be an ISO 3166 alpha-2 region such as CN");
        }
        return new IdentificationFormat(parsed, region, callingCode);
    }

    /** The form a new row holds: national only for numbers of the national region, and only when so configured. */
    public String write(PhoneNumber phone) {
        return format == Format.NATIONAL && isNational(phone) ? phone.nationalNumber() : phone.e164();
    }

    /** Every form a row for {@code phone} may hold, the written one first: the national form only for the national region. */
    public List<String> candidates(PhoneNumber phone) {
        if (!isNational(phone)) {
            return List.of(phone.e164());
        }
        return format == Format.E164 ? List.of(phone.e164(), phone.nationalNumber()) : List.of(phone.nationalNumber(), phone.e164());
    }

    private boolean isNational(PhoneNumber phone) {
        return phone.countryCode() == nationalCallingCode;
    }
}
