package dev.smslogin.component;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.vault.VaultStringSecret;

import java.util.HashMap;
import java.util.Map;

/**
 * A realm's own settings kept in a component (an admin-console page's): each option's value, a secret one read through
 * the realm's vault when it is a {@code ${vault.<key>}} reference (Keycloak's vault syntax; any other value is the
 * secret as typed).
 */
public final class RealmSecrets {

    private RealmSecrets() {
    }

    /**
     * The values {@code component} sets of {@code options} (blank ones left out), secrets as the vault resolves them now.
     *
     * @throws IllegalArgumentException naming the option when a vault reference does not resolve (never a secret)
     */
    public static Map<String, String> resolved(KeycloakSession session, ComponentModel component, Iterable<ProviderConfigProperty> options) {
        Map<String, String> settings = new HashMap<>();
        for (ProviderConfigProperty option : options) {
            String value = component.get(option.getName());
            if (value == null || value.isBlank()) {
                continue;
            }
            settings.put(option.getName(), option.isSecret() ? fromVault(session, option.getName(), value) : value);
        }
        return settings;
    }

    /** A secret as typed, or the vault's secret for a {@code ${vault.<key>}} reference. */
    static String fromVault(KeycloakSession session, String option, String value) {
        try (VaultStringSecret secret = session.vault().getStringSecret(value)) {
            return secret.get().orElseThrow(() -> new IllegalArgumentException(option + ": the realm's vault holds no secret for " + value.strip()));
        }
    }
}
