package dev.smslogin.sms;

import dev.smslogin.phone.PhoneNumber;

import java.util.concurrent.Semaphore;

/**
 * At most {@code capacity} SMS sends of one provider in flight on this Keycloak node, and at most the node's budget of
 * every provider together. Keycloak serves every realm, client, token refresh and admin call from one pool of worker
 * threads, and a send holds its worker until the provider answers: with a slow provider and many people asking for
 * codes, unbounded sends would take every worker and stall the whole server. A send beyond either limit is refused at
 * once (never queued): the person is told to try again in a moment, and nothing was sent.
 *
 * <p>The node's budget is the largest capacity of the providers' bulkheads (by default three quarters of Keycloak's
 * default worker pool), so that providers slow at the same time (a realm whose route fails over from one to the next)
 * hold no more workers together than one of them may: a quarter of the pool stays free for everything else.
 */
public final class SendBulkhead {

    /** Keycloak's default worker pool: the larger of 50 and 4 per CPU ({@code http-pool-max-threads}). */
    static int defaultWorkers() {
        return Math.max(50, 4 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * Three quarters of Keycloak's default worker pool (37 with up to 12 CPUs): in the isolation benchmark 2.4 times the
     * codes per second of a quarter, password logins beside a slow provider at their pace; a quarter of the pool stays
     * for the rest of the server's traffic (docs/benchmarks.md).
     */
    public static int defaultCapacity() {
        return Math.max(2, defaultWorkers() * 3 / 4);
    }

    private static final Budget NODE = new Budget();

    private final int capacity;
    private final Semaphore permits;
    private final Budget node;

    public SendBulkhead(int capacity) {
        this(capacity, NODE);
    }

    /** A bulkhead under {@code node}'s budget instead of this node's (tests). */
    SendBulkhead(int capacity, Budget node) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the capacity must be at least 1");
        }
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
        this.node = node;
        node.atLeast(capacity);
    }

    /** The sends in flight of every provider of a node together: as many as the largest bulkhead allows. */
    static final class Budget {

        private final Semaphore permits = new Semaphore(0);
        private int size;

        synchronized void atLeast(int capacity) {
            if (capacity > size) {
                permits.release(capacity - size);
                size = capacity;
            }
        }

        synchronized int size() {
            return size;
        }
    }

    /** One send to the provider. */
    @FunctionalInterface
    public interface Send {
        void run() throws SmsSendException;
    }

    /**
     * Runs {@code send} in a free place, or refuses it at once ({@link SmsFailure#BUSY}, not sent) when every place of
     * this provider, or of the node, is taken.
     */
    public void send(PhoneNumber to, Send send) throws SmsSendException {
        if (!permits.tryAcquire()) {
            throw new SmsSendException(SmsFailure.BUSY, "no SMS to " + to.masked() + ": " + capacity
                    + " sends are already in flight on this node (max-concurrent-sends)");
        }
        if (!node.permits.tryAcquire()) {
            permits.release();
            throw new SmsSendException(SmsFailure.BUSY, "no SMS to " + to.masked() + ": " + node.size()
                    + " sends of all SMS providers together are already in flight on this node (the largest max-concurrent-sends)");
        }
        try {
            send.run();
        } finally {
            node.permits.release();
            permits.release();
        }
    }

    public int capacity() {
        return capacity;
    }

    public int inFlight() {
        return capacity - permits.availablePermits();
    }
}
