package dev.smslogin.phonecode;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The human checks this node found unavailable and has not seen answer since, by realm and provider: so that an
 * outage is warned of once when it begins (and its end noted once), not on every request while it lasts.
 */
final class HumanCheckOutages {

    static final HumanCheckOutages NODE = new HumanCheckOutages();

    private static final int MAX_TRACKED = 10_000;

    private final Set<String> down = ConcurrentHashMap.newKeySet();

    /** Whether this unavailable answer begins an outage of {@code provider} in {@code realm} (on this node). */
    boolean began(String realm, String provider) {
        if (down.size() >= MAX_TRACKED) {
            down.clear();
        }
        return down.add(key(realm, provider));
    }

    /** Whether this answer of {@code provider} in {@code realm} ends an outage this node saw. */
    boolean ended(String realm, String provider) {
        return !down.isEmpty() && down.remove(key(realm, provider));
    }

    private static String key(String realm, String provider) {
        return realm + '\n' + provider;
    }
}
