package dev.smslogin.phone;

import java.util.Objects;

/**
 * A mobile number that passed validation: its E.164 form, its ISO region and its national significant
 * number. The only way to get one is {@link PhoneNumberParser#parse}.
 */
public final class PhoneNumber {

    private final String e164;
    private final String region;
    private final int countryCode;
    private final String nationalNumber;

    PhoneNumber(String e164, String region, int countryCode, String nationalNumber) {
        this.e164 = e164;
        this.region = region;
        this.countryCode = countryCode;
        this.nationalNumber = nationalNumber;
    }

    /** Parses a number already stored in E.164 form (from a user attribute or a store), without policy checks. */
    public static PhoneNumber fromE164(String e164) {
        return PhoneNumberParser.fromE164(e164);
    }

    /**
     * A number {@link PhoneNumberParser#parse} accepted earlier, from its {@link #e164()} and {@link #region()} as a
     * login session keeps them: split without parsing it again.
     */
    public static PhoneNumber restore(String e164, String region) {
        return PhoneNumberParser.restore(e164, region);
    }

    /** {@code +8613912345678} */
    public String e164() {
        return e164;
    }

    /** ISO 3166 alpha-2 region, e.g. {@code CN}. */
    public String region() {
        return region;
    }

    public int countryCode() {
        return countryCode;
    }

    /** The national significant number, e.g. {@code 13912345678}. */
    public String nationalNumber() {
        return nationalNumber;
    }

    /** For logs and events: {@code +86139****5678}. */
    public String masked() {
        return PhoneMasking.mask(e164);
    }

    /** For pages: {@code +86 139****5678}. */
    public String maskedForDisplay() {
        String national = PhoneMasking.mask(nationalNumber);
        return "+" + countryCode + " " + national;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhoneNumber other && e164.equals(other.e164);
    }

    @Override
    public int hashCode() {
        return Objects.hash(e164);
    }

    @Override
    public String toString() {
        return masked();
    }
}
