package dev.smslogin.sms.account;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.List;
import java.util.Map;

/**
 * The settings of a realm's own account with one SMS service, for another service of the same vendor that uses the
 * same account (Aliyun's number verification uses the keys of the realm's Aliyun SMS account, say).
 */
public final class RealmAccountSettings {

    private RealmAccountSettings() {
    }

    /** One account: the name an admin gave it (for logs) and its settings, secrets as the vault resolves them now. */
    public record Account(String name, Map<String, String> settings) {
    }

    /**
     * The realm's first account of {@code service} that serves {@code region} (route order: the accounts naming the
     * region, else those for every other region, lowest priority first); null when the realm has no such account.
     *
     * @throws IllegalArgumentException when a vault reference of that account does not resolve
     */
    public static Account first(KeycloakSession session, RealmModel realm, String service, String region) {
        List<SmsAccount> route = SmsRoutes.route(realm, region);
        if (route == null) {
            return null;
        }
        return route.stream().filter(account -> account.service().equals(service)).findFirst()
                .map(account -> new Account(account.name(), AccountSenders.resolved(session, account))).orElse(null);
    }
}
