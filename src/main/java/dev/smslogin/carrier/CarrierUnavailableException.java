package dev.smslogin.carrier;

/**
 * The carrier's service could not answer: down, slow, an answer that cannot be read, or a refusal that is the
 * account's (its keys, its balance, its RAM permissions, throttling) rather than the token's. The message names the
 * cause for the server log, and never holds a token or a number.
 */
public final class CarrierUnavailableException extends RuntimeException {

    public CarrierUnavailableException(String message) {
        super(message, null, false, false);
    }
}
