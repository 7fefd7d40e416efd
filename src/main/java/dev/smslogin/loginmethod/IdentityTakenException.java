package dev.smslogin.loginmethod;

/** The identity's row belongs to another app user than the one it should be put on: nothing was written. */
public final class IdentityTakenException extends RuntimeException {

    private final long holderAppUserId;

    public IdentityTakenException(IdentityLogin identity, long holderAppUserId) {
        super("the app's row of identity " + identity.masked() + " belongs to app user " + holderAppUserId, null, false, false);
        this.holderAppUserId = holderAppUserId;
    }

    public long holderAppUserId() {
        return holderAppUserId;
    }
}
