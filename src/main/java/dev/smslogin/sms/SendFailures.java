package dev.smslogin.sms;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/** What a failed HTTP exchange with an SMS provider means for the message: not sent, or maybe sent. */
public final class SendFailures {

    private SendFailures() {
    }

    /**
     * No connection was made (refused, unreachable, connect timeout, unknown host): the request never went out, so
     * nothing was sent.
     */
    public static boolean neverReached(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException || cause instanceof NoRouteToHostException
                    || cause.getClass().getName().endsWith(".ConnectTimeoutException")
                    || cause instanceof SocketTimeoutException && cause.getMessage() != null
                    && cause.getMessage().toLowerCase(Locale.ROOT).startsWith("connect timed out")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exchange failed: not sent when the provider was never reached, else unconfirmed (the request may have
     * gone out: a read timeout, a connection closed before the answer).
     *
     * @param message what failed, for the log (a masked number, never the code)
     */
    public static SmsSendException transport(String message, Throwable e) {
        if (neverReached(e)) {
            return SmsSendException.notSent(SmsFailure.UNAVAILABLE, message + ": " + e.getClass().getSimpleName() + ", never reached", null);
        }
        return SmsSendException.unconfirmed(message + ": " + e.getClass().getSimpleName() + ", no answer after the request went out", null);
    }

    /**
     * An answer that is not the provider's (a proxy's error page, garbage): the gateway refused before the provider
     * (429, 502, 503: not sent) or the fate of the message is unknown (any other status, such as a 200 with an
     * unreadable body or a 504).
     */
    public static SmsSendException unreadableAnswer(String message, int httpStatus) {
        String text = message + ": HTTP " + httpStatus + " with a body that is not the provider's answer";
        return switch (httpStatus) {
            case 429 -> SmsSendException.notSent(SmsFailure.RATE_LIMITED, text, null);
            case 502, 503 -> SmsSendException.notSent(SmsFailure.UNAVAILABLE, text, null);
            default -> SmsSendException.unconfirmed(text, null);
        };
    }
}
