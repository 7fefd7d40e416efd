package dev.smslogin.carrier;

import dev.smslogin.code.ClientKey;
import dev.smslogin.code.CodeSecrets;
import dev.smslogin.code.OnceClaim;
import dev.smslogin.code.SmsCodeStore;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.time.Duration;

/**
 * Keycloak's own memory of the one-tap tokens it was shown, beside the carrier's rule that a token is good once: a
 * keyed hash of each token ({@code CodeHasher#onceName}: never the token) is kept in the code store for the longest
 * lifetime a carrier gives a token, with the client that showed it. A token shown again, by that client or another,
 * is refused without asking the carrier.
 */
public final class OneTapTokens {

    /** China Unicom's tokens live 30 minutes, China Telecom's 10, China Mobile's 2. */
    static final Duration LIFETIME = Duration.ofMinutes(30);
    private static final String KIND = "carrier-token";
    private static final String ATTEMPTS = "one-tap";

    private OneTapTokens() {
    }

    /**
     * Counts a one-tap attempt of the client at {@code clientAddress} (by a keyed name, never the address) in the
     * realm's rolling hour, within {@code perHour}: 0 when counted, else the milliseconds until one more fits.
     *
     * @throws dev.smslogin.code.CodeStoreUnavailableException when the code store cannot be reached
     */
    public static long attempt(KeycloakSession session, RealmModel realm, String clientAddress, int perHour) {
        String client = CodeSecrets.hasher(session, realm).clientName(realm.getId(), ClientKey.of(clientAddress));
        return session.getProvider(SmsCodeStore.class).reserveAttempt(realm.getId(), client, ATTEMPTS, perHour);
    }

    /**
     * Claims {@code token} for {@code client}.
     *
     * @throws dev.smslogin.code.CodeStoreUnavailableException when the code store cannot be reached
     */
    public static OnceClaim claim(KeycloakSession session, RealmModel realm, ClientModel client, String token) {
        return session.getProvider(SmsCodeStore.class).claimOnce(realm.getId(), name(session, realm, token), client.getId(), LIFETIME);
    }

    /** Gives back a claim that came to nothing because the carrier's service could not answer: the app may try again. */
    public static void release(KeycloakSession session, RealmModel realm, ClientModel client, String token) {
        session.getProvider(SmsCodeStore.class).releaseOnce(realm.getId(), name(session, realm, token), client.getId());
    }

    private static String name(KeycloakSession session, RealmModel realm, String token) {
        return CodeSecrets.hasher(session, realm).onceName(realm.getId(), KIND, token);
    }
}
