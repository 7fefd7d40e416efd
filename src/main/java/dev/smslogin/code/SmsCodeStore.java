package dev.smslogin.code;

import org.keycloak.provider.Provider;

import java.time.Duration;

/**
 * Where codes and send counters live. Codes arrive already hashed ({@link CodeHasher}): a store never sees
 * a code in clear. Every operation is atomic across Keycloak nodes sharing the store.
 *
 * @throws CodeStoreUnavailableException from every method when the store cannot be reached
 */
public interface SmsCodeStore extends Provider {

    /**
     * Decides, atomically, whether a code may be sent to {@code scope} from {@code clientIp}; when it may, counts the
     * send, starts the cooldown and makes {@code codeHash} the code of {@code scope}'s login session for
     * {@code codeTtl}, replacing the previous one. The caller then sends the SMS, and gives the send back with
     * {@link #cancelSend} when it does not go out.
     */
    SendDecision reserveSend(CodeScope scope, String clientIp, SendLimits limits, String codeHash, Duration codeTtl);

    /**
     * Gives back a send that {@link #reserveSend} allowed but whose SMS did not go out, and removes its code (not a
     * code a later send stored).
     */
    void cancelSend(CodeScope scope, String clientIp, SendDecision decision);

    /**
     * Checks {@code candidateHash} against the stored hash, unless the number is locked. A match
     * consumes the code (only one of several concurrent matches wins) and resets the number's failure count; a
     * miss counts an attempt, burns the code at {@code limits.perCode()} and counts a failure of the number.
     */
    Verification verify(CodeScope scope, String candidateHash, VerifyLimits limits);

    @Override
    default void close() {
    }
}
