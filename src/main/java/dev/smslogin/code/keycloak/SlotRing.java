package dev.smslogin.code.keycloak;

import org.keycloak.models.SingleUseObjectProvider;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A rolling window of at most {@code limit} claims, each held {@code lifespan} seconds, kept in Keycloak's single-use
 * object store at a cost that does not grow with the limit.
 *
 * <p>The window is a ring of {@code limit} slots. Claims take positions 0, 1, 2, … in turn, position {@code n} taking
 * slot {@code n mod limit} with {@code putIfAbsent}: no more than {@code limit} claims are ever held, whatever the
 * races. A claim also marks its position ({@code putIfAbsent} of {@code :pos:n}), records when its slot frees
 * ({@code put} of {@code :end:slot}) and moves the hint, the next position ({@code put} of {@code :next}). A claim
 * starts at the hint and takes its slot when free. When an older claim (one not marked at this position) holds it,
 * the ring is full in order; the claim then tries {@value #PROBES} other slots, which a claim given back or ended out
 * of turn may have freed: the one before the hint (the latest claim's) and others at random, every other slot when
 * the ring is that small. If none is free the claim is refused until the slot at the hint frees. Giving a claim back
 * removes its mark and slot.
 *
 * <p>So a window never lets more than {@code limit} claims through, and refuses only when the slots tried are all
 * held: it may refuse while slots given back elsewhere in the ring are free, until a claim tries them or the ring
 * comes round to them. (Simulated at twice its limit's demand, with a tenth to a third of the claims given back, a
 * window of 100 or 1000 keeps 85–93% of its slots held, where an exact count would keep 98–99%; with none given back,
 * as many.)
 *
 * <p>Keycloak's {@code put} reaches the cache when the request's transaction commits, while {@code putIfAbsent},
 * {@code contains} and {@code remove} act at once. The hint therefore lags behind the claims of requests still
 * running, which have marked their positions: a claim that finds the hint's position marked gallops over the marks
 * (positions +1, +2, +4, … then halves the gap), {@code 2·log2(d)} reads for {@code d} claims in flight. Claims of
 * one window on one node take turns (a striped lock), so that only claims from other nodes can race for a
 * position; after {@value #RACES} lost races a claim gives up and is refused, retry after a second.
 *
 * <p>Cost: a claim is 5 operations (get the hint, {@code putIfAbsent} slot and mark, {@code put} the end and the
 * hint), a refusal 10 (get, {@code putIfAbsent}, {@code contains}, {@value #PROBES} {@code putIfAbsent}, get the
 * end), giving back 2; plus the gallop while requests are in flight.
 */
final class SlotRing {

    /** A claim, or a refusal ({@code position} -1) with the time until a slot frees. */
    record Claim(String window, int limit, long position, long retryAfterMillis) {
        boolean claimed() {
            return position >= 0;
        }
    }

    private static final int PROBES = 6;
    private static final int RACES = 8;
    private static final long BUSY_RETRY_MILLIS = 1000;
    private static final ReentrantLock[] TURNS = new ReentrantLock[64];

    static {
        for (int i = 0; i < TURNS.length; i++) {
            TURNS[i] = new ReentrantLock();
        }
    }

    private final SingleUseObjectProvider objects;
    private final LongSupplier clock;

    SlotRing(SingleUseObjectProvider objects, LongSupplier clockMillis) {
        this.objects = objects;
        this.clock = clockMillis;
    }

    Claim claim(String window, int limit, long lifespanSeconds) {
        if (limit <= 0) {
            return refused(window, limit, lifespanSeconds * 1000);
        }
        ReentrantLock turn = TURNS[Math.floorMod(window.hashCode(), TURNS.length)];
        turn.lock();
        try {
            long n = hint(window);
            for (int race = 0; race < RACES; race++) {
                if (take(window, limit, n, lifespanSeconds)) {
                    objects.put(window + ":next", lifespanSeconds, Map.of("n", Long.toString(n + 1)));
                    return new Claim(window, limit, n, 0);
                }
                if (objects.contains(mark(window, n))) {
                    n = firstUnmarkedAfter(window, n);      // a claim of this lap: the hint lags
                    continue;
                }
                // an older claim holds the hint's slot: try slots freed out of turn
                for (int probe = 0; probe < Math.min(PROBES, limit - 1); probe++) {
                    long position = n - behind(probe, limit);
                    if (take(window, limit, position, lifespanSeconds)) {
                        return new Claim(window, limit, position, 0);
                    }
                }
                return refused(window, limit, retryAfterMillis(window, limit, n, lifespanSeconds));
            }
            return refused(window, limit, BUSY_RETRY_MILLIS);
        } finally {
            turn.unlock();
        }
    }

    /**
     * How many claims the window of {@code limit} holds, counting no further than {@code atMost}: one read per slot
     * until {@code atMost} are found, at most {@code limit} reads. Changes nothing.
     */
    int held(String window, int limit, int atMost) {
        int held = 0;
        for (int slot = 0; slot < limit && held < atMost; slot++) {
            if (objects.contains(slot(window, limit, slot))) {
                held++;
            }
        }
        return held;
    }

    /** Gives a claim back, unless it has ended. */
    void release(Claim claim) {
        if (objects.remove(mark(claim.window(), claim.position())) != null) {
            objects.remove(slot(claim.window(), claim.limit(), claim.position()));
        }
    }

    /** How far behind the hint the {@code probe}-th slot tried is: the latest claim's, then any but the hint's. */
    private static long behind(int probe, int limit) {
        if (limit - 1 <= PROBES) {
            return probe + 1;
        }
        return probe == 0 ? 1 : ThreadLocalRandom.current().nextInt(2, limit);
    }

    private boolean take(String window, int limit, long n, long lifespanSeconds) {
        if (!objects.putIfAbsent(slot(window, limit, n), lifespanSeconds)) {
            return false;
        }
        objects.putIfAbsent(mark(window, n), lifespanSeconds);
        objects.put(end(window, limit, n), lifespanSeconds, Map.of("until", Long.toString(clock.getAsLong() + lifespanSeconds * 1000)));
        return true;
    }

    /** Gallops from the marked position {@code marked} to a marked one followed by an unmarked one. */
    private long firstUnmarkedAfter(String window, long marked) {
        long step = 1;
        long unmarked = marked + 1;
        while (objects.contains(mark(window, unmarked))) {
            marked = unmarked;
            step *= 2;
            unmarked = marked + step;
        }
        while (unmarked - marked > 1) {
            long middle = marked + (unmarked - marked) / 2;
            if (objects.contains(mark(window, middle))) {
                marked = middle;
            } else {
                unmarked = middle;
            }
        }
        return unmarked;
    }

    private long hint(String window) {
        Map<String, String> next = objects.get(window + ":next");
        return next == null || next.get("n") == null ? 0 : Long.parseLong(next.get("n"));
    }

    /** When the slot of {@code n} frees; its whole lifespan when its claim is too recent to have recorded it. */
    private long retryAfterMillis(String window, int limit, long n, long lifespanSeconds) {
        Map<String, String> end = objects.get(end(window, limit, n));
        long left = end == null || end.get("until") == null ? 0 : Long.parseLong(end.get("until")) - clock.getAsLong();
        return left > 0 ? left : lifespanSeconds * 1000;
    }

    private static Claim refused(String window, int limit, long retryAfterMillis) {
        return new Claim(window, limit, -1, retryAfterMillis);
    }

    private static String slot(String window, int limit, long position) {
        return window + ":slot:" + Math.floorMod(position, limit);
    }

    private static String end(String window, int limit, long position) {
        return window + ":end:" + Math.floorMod(position, limit);
    }

    private static String mark(String window, long position) {
        return window + ":pos:" + position;
    }
}
