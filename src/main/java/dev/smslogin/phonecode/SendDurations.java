package dev.smslogin.phonecode;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long this node's SMS sends take of late (a moving average of the accepted ones), so that a withheld send can
 * take about as long: an observer timing the answers cannot tell a number that got an SMS from one that did not.
 * The imitation is bounded, so it never holds a request thread longer than {@link #MAX_IMITATION_MILLIS}.
 */
final class SendDurations {

    static final long MAX_IMITATION_MILLIS = 2_000;
    /** Before the first send: about what a nearby SMS provider answers in. */
    private static final long INITIAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    static final SendDurations NODE = new SendDurations();

    private final AtomicLong typicalNanos = new AtomicLong(INITIAL_NANOS);

    /** An accepted send took {@code nanos}. */
    void record(long nanos) {
        typicalNanos.updateAndGet(typical -> typical - typical / 8 + nanos / 8);
    }

    long typicalMillis() {
        return Math.min(MAX_IMITATION_MILLIS, TimeUnit.NANOSECONDS.toMillis(typicalNanos.get()));
    }

    /** Waits about as long as a send takes. */
    void imitate() {
        imitateAfter(0);
    }

    /** Waits the rest of the time a send takes, after {@code tookNanos} already spent (no wait once that is over). */
    void imitateAfter(long tookNanos) {
        long rest = typicalMillis() - TimeUnit.NANOSECONDS.toMillis(tookNanos);
        if (rest <= 0) {
            return;
        }
        try {
            Thread.sleep(rest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
