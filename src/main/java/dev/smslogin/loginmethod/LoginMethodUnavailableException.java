package dev.smslogin.loginmethod;

/** The app's database cannot be reached or refused a statement. The login is refused and nothing is written. */
public final class LoginMethodUnavailableException extends RuntimeException {

    public LoginMethodUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
