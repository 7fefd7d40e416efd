package dev.smslogin.sms;

/**
 * An SMS was not sent. The message is for the server log (never the code, never a secret); users see a text
 * chosen by {@link #failure()}.
 */
public final class SmsSendException extends Exception {

    private final SmsFailure failure;

    public SmsSendException(SmsFailure failure, String message) {
        super(message);
        this.failure = failure;
    }

    public SmsSendException(SmsFailure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    public SmsFailure failure() {
        return failure;
    }
}
