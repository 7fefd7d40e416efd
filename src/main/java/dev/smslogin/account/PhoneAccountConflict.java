package dev.smslogin.account;

/**
 * A number that proved its possession cannot log in, because who holds it is in doubt: several users hold it, its
 * holder has not verified it, or the app's row of the number belongs to another app user than the one the Keycloak
 * user is linked to. Nothing is changed; the user is told to contact support and admins get an event and a log line.
 */
final class PhoneAccountConflict extends RuntimeException {

    /** The event's {@code reason} detail, a fixed word. */
    private final String reason;

    PhoneAccountConflict(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
