package dev.smslogin.component;

import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What this node built from realms' components (SDK clients, say): one per component, built at its first use and kept
 * while the component's settings (secrets as the vault resolves them now) stay equal; the one built from a component's
 * former settings is closed when they change, when the component goes ({@link #forget}) and at shutdown
 * ({@link #forgetAll}). At most {@code maxKept} are kept: past that all are forgotten (closed) and built again on use.
 *
 * @param <T> what is built; closed when forgotten
 */
public final class KeptPerComponent<T extends AutoCloseable> {

    private record Kept<T>(Map<String, String> settings, T built) {
    }

    private static final Logger LOG = Logger.getLogger(KeptPerComponent.class);

    private final int maxKept;
    private final Map<String, Kept<T>> kept = new ConcurrentHashMap<>();

    public KeptPerComponent(int maxKept) {
        this.maxKept = maxKept;
    }

    /**
     * What was built for component {@code componentId} from {@code settings}; built now with {@code build} when there is
     * none or it was built from other settings (the former one is then closed).
     *
     * @throws IllegalArgumentException as {@code build} throws it (nothing is kept then)
     */
    public T get(String componentId, Map<String, String> settings, Function<Map<String, String>, T> build) {
        Kept<T> current = kept.get(componentId);
        if (current != null && current.settings().equals(settings)) {
            return current.built();
        }
        Map<String, String> copy = Map.copyOf(settings);
        Kept<T> fresh = new Kept<>(copy, build.apply(copy));
        Kept<T> previous = kept.put(componentId, fresh);
        if (previous != null && previous.built() != fresh.built()) {
            close(previous.built());
        }
        if (kept.size() > maxKept) {
            forgetAll();
        }
        return fresh.built();
    }

    /** Closes what was built for {@code componentId}, if anything. */
    public void forget(String componentId) {
        Kept<T> previous = kept.remove(componentId);
        if (previous != null) {
            close(previous.built());
        }
    }

    /** Closes everything kept. */
    public void forgetAll() {
        kept.keySet().forEach(this::forget);
    }

    /** How many are kept. */
    public int size() {
        return kept.size();
    }

    private static void close(AutoCloseable built) {
        try {
            built.close();
        } catch (Exception e) {
            LOG.warnf("SMS login: closing a realm's %s failed: %s", built.getClass().getSimpleName(), e.getClass().getSimpleName());
        }
    }
}
