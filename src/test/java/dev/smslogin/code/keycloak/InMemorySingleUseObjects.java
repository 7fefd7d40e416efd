package dev.smslogin.code.keycloak;

import org.keycloak.models.SingleUseObjectProvider;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keycloak's {@link SingleUseObjectProvider} semantics (atomic putIfAbsent and remove, per-entry lifespan) on a
 * map, for testing the store outside a server. The flow tests run the store on Keycloak's real one.
 */
final class InMemorySingleUseObjects implements SingleUseObjectProvider {

    private record Entry(Map<String, String> notes, long expiresAt) {
        boolean alive() {
            return System.currentTimeMillis() < expiresAt;
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public void put(String key, long lifespanSeconds, Map<String, String> notes) {
        entries.put(key, new Entry(Map.copyOf(notes), expiry(lifespanSeconds)));
    }

    @Override
    public Map<String, String> get(String key) {
        Entry entry = entries.get(key);
        return entry != null && entry.alive() ? entry.notes() : null;
    }

    @Override
    public Map<String, String> remove(String key) {
        Entry entry = entries.remove(key);
        return entry != null && entry.alive() ? entry.notes() : null;
    }

    @Override
    public boolean replace(String key, Map<String, String> notes) {
        Entry replaced = entries.computeIfPresent(key, (k, old) -> old.alive() ? new Entry(Map.copyOf(notes), old.expiresAt()) : null);
        return replaced != null;
    }

    @Override
    public boolean putIfAbsent(String key, long lifespanInSeconds) {
        Entry fresh = new Entry(Map.of(), expiry(lifespanInSeconds));
        Entry result = entries.compute(key, (k, old) -> old != null && old.alive() ? old : fresh);
        return result == fresh;
    }

    @Override
    public boolean contains(String key) {
        return get(key) != null;
    }

    @Override
    public void close() {
    }

    private static long expiry(long lifespanSeconds) {
        return System.currentTimeMillis() + lifespanSeconds * 1000;
    }
}
