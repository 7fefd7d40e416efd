package dev.smslogin.phone;

/** Why a typed number cannot receive a code. Each reason maps to a message the user sees. */
public enum PhoneNumberRejection {
    /** Empty, too long, letters or markup, or not a number libphonenumber can read. */
    MALFORMED,
    /** A valid number that is not a mobile number (landline, toll-free, premium rate, satellite, ...). */
    NOT_MOBILE,
    /** A valid mobile number in a region that is not in {@code allowedRegions}. */
    REGION_NOT_ALLOWED
}
