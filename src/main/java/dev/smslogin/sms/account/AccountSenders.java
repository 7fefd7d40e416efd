package dev.smslogin.sms.account;

import dev.smslogin.sms.AccountSenderFactory;
import dev.smslogin.sms.SmsSender;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.vault.VaultStringSecret;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The senders of realms' own accounts on this node: one per account, built at its first send and kept while its
 * settings (secrets as the vault resolves them now) stay the same; a changed or removed account's sender is closed.
 * At most {@value #MAX_KEPT} are kept: past that the oldest are not tracked, and closed.
 */
final class AccountSenders {

    private static final int MAX_KEPT = 10_000;

    private record Kept(Map<String, String> settings, AccountSenderFactory.Account account) {
    }

    private static final Map<String, Kept> KEPT = new ConcurrentHashMap<>();

    private AccountSenders() {
    }

    /**
     * The sender of {@code account}.
     *
     * @throws IllegalArgumentException when its settings are incomplete or wrong, or a vault reference does not resolve
     */
    static SmsSender of(KeycloakSession session, SmsAccount account) {
        Map<String, String> settings = resolved(session, account);
        String id = account.component().getId();
        Kept kept = KEPT.get(id);
        if (kept == null || !kept.settings().equals(settings)) {
            kept = new Kept(settings, factory(session, account).account(settings::get));
            Kept previous = KEPT.put(id, kept);
            if (previous != null) {
                previous.account().close();
            }
            if (KEPT.size() > MAX_KEPT) {
                forgetAll();
            }
        }
        return kept.account().sender(session);
    }

    /** Builds, and closes at once, the sender of {@code account}: whether it could send. */
    static void check(KeycloakSession session, SmsAccount account) {
        factory(session, account).account(resolved(session, account)::get).close();
    }

    static void forget(String componentId) {
        Kept kept = KEPT.remove(componentId);
        if (kept != null) {
            kept.account().close();
        }
    }

    private static void forgetAll() {
        KEPT.keySet().forEach(AccountSenders::forget);
    }

    private static AccountSenderFactory factory(KeycloakSession session, SmsAccount account) {
        if (session.getKeycloakSessionFactory().getProviderFactory(SmsSender.class, account.service()) instanceof AccountSenderFactory factory) {
            return factory;
        }
        throw new IllegalArgumentException("no SMS sender '" + account.service() + "' for realm accounts is installed");
    }

    /** The account's settings, each secret read through the realm's vault when it is a {@code ${vault.<key>}} reference. */
    static Map<String, String> resolved(KeycloakSession session, SmsAccount account) {
        AccountSenderFactory factory = factory(session, account);
        Map<String, String> settings = new HashMap<>();
        for (ProviderConfigProperty option : factory.getConfigMetadata()) {
            String value = account.component().get(option.getName());
            if (value == null || value.isBlank() || AccountSenderFactory.SERVER_ONLY.contains(option.getName())) {
                continue;
            }
            settings.put(option.getName(), option.isSecret() ? fromVault(session, option.getName(), value) : value);
        }
        return settings;
    }

    /** A secret as typed, or the vault's secret for a {@code ${vault.<key>}} reference. */
    private static String fromVault(KeycloakSession session, String option, String value) {
        try (VaultStringSecret secret = session.vault().getStringSecret(value)) {
            return secret.get().orElseThrow(() -> new IllegalArgumentException(option + ": the realm's vault holds no secret for " + value.strip()));
        }
    }
}
