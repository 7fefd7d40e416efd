package dev.smslogin.realm;

/** The user attributes the extension owns in a realm that uses it (declared admin-only in its user profile). */
public final class PhoneAttributes {

    /** The E.164 number, e.g. {@code +8613912345678}; at most one user of a realm holds a number. */
    public static final String PHONE_NUMBER = "phoneNumber";
    /** {@code true} once the number was proven by a code (or vouched for by an admin); see the {@code phone-number} marker. */
    public static final String PHONE_NUMBER_VERIFIED = "phoneNumberVerified";
    /** The {@code user.id} of the app's MySQL row the user is linked to. */
    public static final String APP_USER_ID = "appUserId";

    private PhoneAttributes() {
    }
}
