package dev.smslogin.sms;

/**
 * An SMS was not sent, or its sending was not confirmed. The message is for the server log (never the code, never a
 * secret); users see a text chosen by {@link #failure()}. {@link #mayHaveBeenDelivered()} tells a refusal (the
 * provider answered no, or was never reached) from a send whose fate is unknown (no answer after the request went
 * out, such as a read timeout): the latter may still reach the phone, so it keeps its cooldown and counts.
 */
public final class SmsSendException extends Exception {

    private final SmsFailure failure;
    private final boolean mayHaveBeenDelivered;

    /** The provider refused the message or was never reached: it was not sent. */
    public SmsSendException(SmsFailure failure, String message) {
        this(failure, message, null, false);
    }

    private SmsSendException(SmsFailure failure, String message, Throwable cause, boolean mayHaveBeenDelivered) {
        super(message, cause);
        this.failure = failure;
        this.mayHaveBeenDelivered = mayHaveBeenDelivered;
    }

    /** The provider refused the message or was never reached: it was not sent. */
    public static SmsSendException notSent(SmsFailure failure, String message, Throwable cause) {
        return new SmsSendException(failure, message, cause, false);
    }

    /** The request went out but no usable answer came back: the message may reach the phone. */
    public static SmsSendException unconfirmed(String message, Throwable cause) {
        return new SmsSendException(SmsFailure.UNAVAILABLE, message, cause, true);
    }

    public SmsFailure failure() {
        return failure;
    }

    public boolean mayHaveBeenDelivered() {
        return mayHaveBeenDelivered;
    }
}
