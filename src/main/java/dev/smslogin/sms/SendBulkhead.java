package dev.smslogin.sms;

import dev.smslogin.phone.PhoneNumber;

import java.util.concurrent.Semaphore;

/**
 * At most {@code capacity} SMS sends in flight on this Keycloak node. Keycloak serves every realm, client, token
 * refresh and admin call from one pool of worker threads, and a send holds its worker until the provider answers:
 * with a slow provider and many people asking for codes, unbounded sends would take every worker and stall the
 * whole server. A send beyond the capacity is refused at once (never queued): the person is told to try again in a
 * moment, and nothing was sent.
 */
public final class SendBulkhead {

    /** Keycloak's default worker pool: the larger of 50 and 4 per CPU ({@code http-pool-max-threads}). */
    static int defaultWorkers() {
        return Math.max(50, 4 * Runtime.getRuntime().availableProcessors());
    }

    /** A quarter of Keycloak's default worker pool, so that three quarters stay free for everything else. */
    public static int defaultCapacity() {
        return Math.max(2, defaultWorkers() / 4);
    }

    private final int capacity;
    private final Semaphore permits;

    public SendBulkhead(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the capacity must be at least 1");
        }
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
    }

    /** One send to the provider. */
    @FunctionalInterface
    public interface Send {
        void run() throws SmsSendException;
    }

    /**
     * Runs {@code send} in a free place, or refuses it at once ({@link SmsFailure#BUSY}, not sent) when every place is
     * taken.
     */
    public void send(PhoneNumber to, Send send) throws SmsSendException {
        if (!tryEnter()) {
            throw new SmsSendException(SmsFailure.BUSY, "no SMS to " + to.masked() + ": " + capacity
                    + " sends are already in flight on this node (max-concurrent-sends)");
        }
        try {
            send.run();
        } finally {
            leave();
        }
    }

    /** Takes a place if one is free, without waiting; a caller that got one must {@link #leave()}. */
    public boolean tryEnter() {
        return permits.tryAcquire();
    }

    public void leave() {
        permits.release();
    }

    public int capacity() {
        return capacity;
    }

    public int inFlight() {
        return capacity - permits.availablePermits();
    }
}
