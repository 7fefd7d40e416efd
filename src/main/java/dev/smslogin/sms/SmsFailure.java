package dev.smslogin.sms;

/** Why an SMS was not sent, as far as the user and the admin need to know. */
public enum SmsFailure {
    /** The provider refused because this number or account got too many messages: try later. */
    RATE_LIMITED,
    /** The provider says the number cannot receive messages. */
    INVALID_NUMBER,
    /** Wrong keys, sign name, template or an account problem: the admin must act. */
    MISCONFIGURED,
    /** The provider is unreachable, slow, failing or answered something unreadable: try later. */
    UNAVAILABLE,
    /** This node already has as many sends in flight as it allows ({@link SendBulkhead}): try again in a moment. */
    BUSY
}
