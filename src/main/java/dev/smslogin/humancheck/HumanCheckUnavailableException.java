package dev.smslogin.humancheck;

/** The CAPTCHA service did not answer in time or answered something unreadable. No SMS is sent. */
public final class HumanCheckUnavailableException extends RuntimeException {

    public HumanCheckUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
