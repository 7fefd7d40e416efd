package dev.smslogin.account;

import dev.smslogin.code.CodeSecrets;
import dev.smslogin.phone.PhoneNumber;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Gives a number to one user at a time, cluster-wide: whoever puts a number on a user (a sign-up, verifying or
 * changing a number, a takeover) first claims it in Keycloak's single-use store, and the claim ends with the transaction that
 * wrote the number. Two users racing for one number: the second waits for the first to commit, then sees the
 * number held. A claim left by a node that died ends after {@link #CLAIM_SECONDS}.
 */
public final class PhoneClaim {

    static final int CLAIM_SECONDS = 30;
    /** How long a request waits for another's claim of the same number (a claim lasts one request). */
    private static final long WAIT_MILLIS = 3_000;
    private static final long POLL_MILLIS = 50;

    private PhoneClaim() {
    }

    /** Another change of the number did not end within the wait: the caller says "try again in a moment". */
    public static final class Busy extends RuntimeException {
        Busy(PhoneNumber phone) {
            super("another change of " + phone.masked() + " is under way", null, false, false);
        }
    }

    /**
     * Claims {@code phone} in {@code realm} for this session's transaction, waiting a bounded time for another
     * claim of it to end.
     *
     * @throws Busy when the other claim did not end in time
     */
    public static void claim(KeycloakSession session, RealmModel realm, PhoneNumber phone) {
        // keyed with the realm's secret: the single-use store holds no number in clear
        String key = "sms-login-claim:" + CodeSecrets.hasher(session, realm).scope(realm.getId(), phone, "claim").id();
        if (session.getAttribute(key) != null) {
            return;  // this transaction holds the claim already (a request may validate a profile more than once)
        }
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        while (!session.singleUseObjects().putIfAbsent(key, CLAIM_SECONDS)) {
            if (System.nanoTime() > deadline) {
                throw new Busy(phone);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Busy(phone);
            }
        }
        session.setAttribute(key, Boolean.TRUE);
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                release(factory, key);
            }

            @Override
            protected void rollbackImpl() {
                release(factory, key);
            }
        });
    }

    private static void release(KeycloakSessionFactory factory, String key) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> session.singleUseObjects().remove(key));
    }
}
