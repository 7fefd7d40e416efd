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
     * Decides, atomically, whether a code may be sent to {@code scope} from the client {@code clientKey} (the keyed
     * name of its {@link ClientKey}, {@link CodeHasher#clientName}: no client address reaches a store in clear);
     * when it may, counts the send, starts the cooldown and makes {@code codeHash} the code of {@code scope}'s login
     * session for {@code codeTtl}, replacing the previous one. The caller then sends the SMS, and gives the send back
     * with {@link #cancelSend} when the provider definitely did not send it.
     *
     * <p>Every call first counts a request of the client ({@code limits.requestsPerClientPerHour()}), which nothing
     * gives back: not a refusal for cooldown or a limit, not {@link #cancelSend}. A request over that limit is
     * refused ({@code IP_LIMIT}) and not counted.
     */
    SendDecision reserveSend(CodeScope scope, String clientKey, SendLimits limits, String codeHash, Duration codeTtl);

    /**
     * Gives back a send that {@link #reserveSend} allowed but that the provider definitely refused (never one that
     * may have been delivered, such as after a read timeout): the send windows, the cooldown and the code, each only
     * while it is still this send's (not a later send's). The client's request stays counted.
     */
    void cancelSend(CodeScope scope, String clientKey, SendDecision decision);

    /**
     * How many codes went to {@code scope}'s number in the last hour, counted realm-wide as {@link #reserveSend}
     * counts them against {@code limits.perPhonePerHour()} (sends given back do not count). Counts no further than
     * {@code atMost}: a caller that only asks "at least {@code atMost}?" costs a store no more. Changes nothing.
     */
    int sendsToNumber(CodeScope scope, SendLimits limits, int atMost);

    /**
     * How many codes the client {@code clientKey} (as for {@link #reserveSend}) had sent in {@code realmId} in the last
     * hour, counted realm-wide as {@link #reserveSend} counts them against {@code limits.perIpPerHour()}; no further
     * than {@code atMost}. Changes nothing.
     */
    int sendsFromClient(String realmId, String clientKey, SendLimits limits, int atMost);

    /**
     * Checks {@code candidateHash} against the stored hash, unless the number is locked. A match
     * consumes the code (only one of several concurrent matches wins) and resets the number's failure count; a
     * miss counts an attempt, burns the code at {@code limits.perCode()} and counts a failure of the number.
     */
    Verification verify(CodeScope scope, String candidateHash, VerifyLimits limits);

    /**
     * Counts, atomically across nodes, one attempt of {@code kind} (say {@code one-tap}) by the client {@code clientKey}
     * (its keyed name, {@link CodeHasher#clientName}) in the realm's rolling hour: 0 when counted, else (over
     * {@code perHour}, and not counted) the milliseconds until one more fits.
     */
    long reserveAttempt(String realmId, String clientKey, String kind, int perHour);

    /**
     * Claims, atomically across nodes, a single-use thing named {@code name} (a keyed hash, {@link CodeHasher#onceName}:
     * never the thing itself) for {@code holder} (a client's id) during {@code ttl}: {@link OnceClaim#CLAIMED} the first
     * time, else who had claimed it. Used for tokens that must be used once, whatever their issuer enforces.
     */
    OnceClaim claimOnce(String realmId, String name, String holder, Duration ttl);

    /**
     * Gives back a claim of {@link #claimOnce} that came to nothing for a reason outside the token (its checker was
     * unreachable), so that the same holder may try it again; only while it is still {@code holder}'s.
     */
    void releaseOnce(String realmId, String name, String holder);

    @Override
    default void close() {
    }
}
