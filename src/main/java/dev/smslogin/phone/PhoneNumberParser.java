package dev.smslogin.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns what a user typed ({@code 13912345678}, {@code +86 139 1234 5678}, {@code 008613912345678},
 * {@code +8613912345678}) into a {@link PhoneNumber}, or says why it cannot receive a code.
 */
public final class PhoneNumberParser {

    /** Longer input is refused before libphonenumber sees it. */
    public static final int MAX_INPUT_LENGTH = 32;

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Pattern ALLOWED_CHARACTERS = Pattern.compile("[0-9+()\\-.\\s\\u00a0]+");
    private static final Pattern NOT_DIGIT_OR_PLUS = Pattern.compile("[^0-9+]");
    private static final Set<PhoneNumberType> MOBILE_TYPES =
            EnumSet.of(PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE);

    private final String defaultRegion;
    private final Set<String> allowedRegions;

    public PhoneNumberParser(String defaultRegion, Set<String> allowedRegions) {
        this.defaultRegion = defaultRegion.toUpperCase(Locale.ROOT);
        this.allowedRegions = Set.copyOf(allowedRegions);
    }

    public PhoneNumber parse(String input) throws InvalidPhoneNumberException {
        if (input == null) {
            throw new InvalidPhoneNumberException(PhoneNumberRejection.MALFORMED);
        }
        String trimmed = input.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_INPUT_LENGTH || !ALLOWED_CHARACTERS.matcher(trimmed).matches()) {
            throw new InvalidPhoneNumberException(PhoneNumberRejection.MALFORMED);
        }
        Phonenumber.PhoneNumber parsed;
        try {
            parsed = UTIL.parse(internationalPrefixAsPlus(trimmed), defaultRegion);
        } catch (NumberParseException e) {
            throw new InvalidPhoneNumberException(PhoneNumberRejection.MALFORMED);
        }
        if (!UTIL.isValidNumber(parsed)) {
            throw new InvalidPhoneNumberException(PhoneNumberRejection.MALFORMED);
        }
        if (!MOBILE_TYPES.contains(UTIL.getNumberType(parsed)) || isNonGeographic(parsed)) {
            throw new InvalidPhoneNumberException(PhoneNumberRejection.NOT_MOBILE);
        }
        PhoneNumber number = toPhoneNumber(parsed);
        if (!allowedRegions.contains(number.region())) {
            throw new InvalidPhoneNumberException(PhoneNumberRejection.REGION_NOT_ALLOWED);
        }
        return number;
    }

    /**
     * Global services such as satellite phones (+881, +882, +883 ...) have no region; libphonenumber calls
     * some of them mobile, but their SMS termination is premium-priced and a favourite of SMS pumping.
     */
    private static boolean isNonGeographic(Phonenumber.PhoneNumber parsed) {
        return PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(UTIL.getRegionCodeForNumber(parsed));
    }

    /** The country calling code of a region ({@code CN} -> 86), 0 for an unknown region. */
    public static int callingCode(String region) {
        return UTIL.getCountryCodeForRegion(region.toUpperCase(Locale.ROOT));
    }

    static PhoneNumber fromE164(String e164) {
        try {
            return toPhoneNumber(UTIL.parse(e164, null));
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("not an E.164 number", e);
        }
    }

    static PhoneNumber restore(String e164, String region) {
        int countryCode = callingCode(region);
        String prefix = "+" + countryCode;
        if (countryCode == 0 || !e164.startsWith(prefix)) {
            throw new IllegalArgumentException("not an E.164 number of region " + region);
        }
        return new PhoneNumber(e164, region.toUpperCase(Locale.ROOT), countryCode, e164.substring(prefix.length()));
    }

    /**
     * {@code 00} is the international prefix across most of the world (including mainland China); people
     * type it in place of {@code +}. libphonenumber only reads it as such for regions whose prefix it is.
     */
    private static String internationalPrefixAsPlus(String input) {
        String digitsAndPlus = NOT_DIGIT_OR_PLUS.matcher(input).replaceAll("");
        if (digitsAndPlus.startsWith("00")) {
            return "+" + digitsAndPlus.substring(2);
        }
        return digitsAndPlus;
    }

    private static PhoneNumber toPhoneNumber(Phonenumber.PhoneNumber parsed) {
        String region = UTIL.getRegionCodeForNumber(parsed);
        return new PhoneNumber(
                UTIL.format(parsed, PhoneNumberFormat.E164),
                region == null ? "ZZ" : region,
                parsed.getCountryCode(),
                UTIL.getNationalSignificantNumber(parsed));
    }
}
