package dev.smslogin.loginmethod;

import dev.smslogin.phone.PhoneNumber;

/**
 * The number's phone login row belongs to another app user than the one it should be put on: nothing was written.
 * Callers map it to a conflict (an admin edit is refused, a login is refused as a conflict).
 */
public final class PhoneNumberTakenException extends RuntimeException {

    private final long holderAppUserId;

    public PhoneNumberTakenException(PhoneNumber phone, long holderAppUserId) {
        super("the app's phone login row of " + phone.masked() + " belongs to app user " + holderAppUserId, null, false, false);
        this.holderAppUserId = holderAppUserId;
    }

    /** The {@code user.id} whose row names the number. */
    public long holderAppUserId() {
        return holderAppUserId;
    }
}
