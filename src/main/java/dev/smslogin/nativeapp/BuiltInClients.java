package dev.smslogin.nativeapp;

import org.keycloak.Config;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.HashSet;
import java.util.Set;

/**
 * Keycloak's own clients, which the SMS code API and the SMS direct grant never serve: where the SMS direct grant is
 * the realm's direct-grant flow, {@code admin-cli} would otherwise get admin API tokens for whoever holds an admin's
 * phone for one SMS. They are {@code admin-cli}, {@code security-admin-console}, {@code account-console},
 * {@code account}, {@code broker}, {@code realm-management} (and Keycloak's other default clients), and in the
 * admin (master) realm the {@code <realm>-realm} clients that manage each realm.
 */
final class BuiltInClients {

    private static final String MASTER_ADMIN_CLIENT_SUFFIX = "-realm";
    private static final Set<String> CLIENT_IDS = clientIds();

    private BuiltInClients() {
    }

    static boolean isBuiltIn(KeycloakSession session, ClientModel client) {
        String clientId = client.getClientId();
        if (clientId == null) {
            return false;
        }
        if (CLIENT_IDS.contains(clientId)) {
            return true;
        }
        RealmModel realm = client.getRealm();
        if (realm == null || !Config.getAdminRealm().equals(realm.getName()) || !clientId.endsWith(MASTER_ADMIN_CLIENT_SUFFIX)) {
            return false;
        }
        RealmModel managed = session.realms().getRealmByName(clientId.substring(0, clientId.length() - MASTER_ADMIN_CLIENT_SUFFIX.length()));
        return managed != null && managed.getMasterAdminClient() != null && client.getId().equals(managed.getMasterAdminClient().getId());
    }

    private static Set<String> clientIds() {
        Set<String> ids = new HashSet<>(Set.of(Constants.ADMIN_CLI_CLIENT_ID, Constants.ADMIN_CONSOLE_CLIENT_ID,
                Constants.ACCOUNT_CONSOLE_CLIENT_ID, Constants.ACCOUNT_MANAGEMENT_CLIENT_ID, Constants.BROKER_SERVICE_CLIENT_ID,
                Constants.REALM_MANAGEMENT_CLIENT_ID));
        ids.addAll(Constants.defaultClients);
        return Set.copyOf(ids);
    }
}
