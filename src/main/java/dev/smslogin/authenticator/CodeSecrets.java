package dev.smslogin.authenticator;

import dev.smslogin.code.CodeHasher;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The server-side secret of code hashes: the realm's active HS512 key (Keycloak's {@code hmac-generated} key
 * provider), which lives in Keycloak's database and never in the code store. Every node of a cluster has the
 * same key; rotating it invalidates pending codes, nothing else.
 */
final class CodeSecrets {

    private CodeSecrets() {
    }

    static CodeHasher hasher(KeycloakSession session, RealmModel realm) {
        KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.HS512);
        if (key == null || key.getSecretKey() == null) {
            throw new IllegalStateException("realm " + realm.getName() + " has no active HS512 key (hmac-generated key provider)");
        }
        return new CodeHasher(key.getSecretKey().getEncoded());
    }
}
