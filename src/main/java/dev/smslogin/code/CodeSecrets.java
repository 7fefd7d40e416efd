package dev.smslogin.code;

import dev.smslogin.code.CodeHasher;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server-side secret of code hashes and record names: the realm's active HS512 key (Keycloak's
 * {@code hmac-generated} key provider), which lives in Keycloak's database and never in the code store. Every node
 * of a cluster has the same key; rotating it invalidates pending codes and starts the send windows and cooldowns of
 * the realm afresh (their records are named with it), nothing else. The hasher of each key is kept, so that a
 * request derives no key.
 */
public final class CodeSecrets {

    /** Realms times keys a node keeps hashers for; past it the map starts again (keys rotate rarely). */
    private static final int MAX_KEPT = 1024;
    private static final Map<String, CodeHasher> HASHERS = new ConcurrentHashMap<>();

    private CodeSecrets() {
    }

    public static CodeHasher hasher(KeycloakSession session, RealmModel realm) {
        KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.HS512);
        if (key == null || key.getSecretKey() == null) {
            throw new IllegalStateException("realm " + realm.getName() + " has no active HS512 key (hmac-generated key provider)");
        }
        if (HASHERS.size() >= MAX_KEPT) {
            HASHERS.clear();
        }
        return HASHERS.computeIfAbsent(realm.getId() + "/" + key.getKid(), k -> new CodeHasher(key.getSecretKey().getEncoded()));
    }
}
