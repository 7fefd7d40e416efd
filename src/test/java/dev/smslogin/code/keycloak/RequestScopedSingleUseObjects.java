package dev.smslogin.code.keycloak;

import org.keycloak.models.SingleUseObjectProvider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request's view of a shared {@link SingleUseObjectProvider}, as Keycloak 26's Infinispan providers (embedded and
 * remote) give it: {@code put} joins the request's transaction and reaches the cache at {@link #commit()}, a second
 * {@code put} of a key in one request throws, {@code get} sees the request's own pending puts; {@code putIfAbsent},
 * {@code remove}, {@code replace} and {@code contains} act on the cache at once (so {@code remove} cannot undo a
 * pending {@code put}).
 */
final class RequestScopedSingleUseObjects implements SingleUseObjectProvider {

    private record Pending(long lifespanSeconds, Map<String, String> notes) {
    }

    private final SingleUseObjectProvider cache;
    private final Map<String, Pending> puts = new LinkedHashMap<>();

    RequestScopedSingleUseObjects(SingleUseObjectProvider cache) {
        this.cache = cache;
    }

    @Override
    public void put(String key, long lifespanSeconds, Map<String, String> notes) {
        if (puts.containsKey(key)) {
            throw new IllegalStateException("Can't add session: task in progress for session");   // as Keycloak's
        }
        puts.put(key, new Pending(lifespanSeconds, Map.copyOf(notes)));
    }

    @Override
    public Map<String, String> get(String key) {
        Pending pending = puts.get(key);
        return pending != null ? pending.notes() : cache.get(key);
    }

    @Override
    public Map<String, String> remove(String key) {
        return cache.remove(key);
    }

    @Override
    public boolean replace(String key, Map<String, String> notes) {
        return cache.replace(key, notes);
    }

    @Override
    public boolean putIfAbsent(String key, long lifespanInSeconds) {
        return cache.putIfAbsent(key, lifespanInSeconds);
    }

    @Override
    public boolean contains(String key) {
        return cache.contains(key);
    }

    /** The end of the request: the pending puts reach the cache, each living its lifespan from now. */
    void commit() {
        puts.forEach((key, pending) -> cache.put(key, pending.lifespanSeconds(), pending.notes()));
        puts.clear();
    }

    @Override
    public void close() {
    }
}
