package dev.smslogin.code;

/** The code store cannot be reached or answered wrongly. Callers fail closed: no code is sent or accepted. */
public final class CodeStoreUnavailableException extends RuntimeException {

    public CodeStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
