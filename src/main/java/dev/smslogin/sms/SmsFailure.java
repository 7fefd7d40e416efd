package dev.smslogin.sms;

/** Why an SMS was not sent, as far as the user and the admin need to know. */
public enum SmsFailure {
    /** The provider refused because the account got too many messages (it is throttled): try later. */
    RATE_LIMITED,
    /** The provider refused because this number got too many messages (its own frequency or daily limit): try later. */
    NUMBER_LIMITED,
    /** The provider says the number cannot receive messages. */
    INVALID_NUMBER,
    /** Wrong keys, sign name, template or an account problem: the admin must act. */
    MISCONFIGURED,
    /** The provider is unreachable, slow, failing or answered something unreadable: try later. */
    UNAVAILABLE,
    /** This node already has as many sends in flight as it allows ({@link SendBulkhead}): try again in a moment. */
    BUSY;

    /**
     * Whether another account may be tried: the account or the service failed (unreachable, throttled, out of
     * balance, refused its keys, or this node is busy with it), not the number (invalid, blocked, its own limits),
     * which no other account would change.
     */
    public boolean mayFailOver() {
        return this != NUMBER_LIMITED && this != INVALID_NUMBER;
    }
}
