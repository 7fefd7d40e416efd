package dev.smslogin.sms.account;

import dev.smslogin.component.KeptPerComponent;
import dev.smslogin.component.RealmSecrets;
import dev.smslogin.sms.AccountSenderFactory;
import dev.smslogin.sms.SmsSender;
import org.keycloak.models.KeycloakSession;

import java.util.Map;

/**
 * The senders of realms' own accounts on this node: one per account, built at its first send and kept while its
 * settings (secrets as the vault resolves them now) stay the same; a changed or removed account's sender is closed.
 * At most {@value #MAX_KEPT} are kept: past that all are closed, and built again at their next send.
 */
final class AccountSenders {

    private static final int MAX_KEPT = 10_000;

    private static final KeptPerComponent<AccountSenderFactory.Account> KEPT = new KeptPerComponent<>(MAX_KEPT);

    private AccountSenders() {
    }

    /**
     * The sender of {@code account}.
     *
     * @throws IllegalArgumentException when its settings are incomplete or wrong, or a vault reference does not resolve
     */
    static SmsSender of(KeycloakSession session, SmsAccount account) {
        AccountSenderFactory factory = factory(session, account);
        return KEPT.get(account.component().getId(), resolved(session, account), settings -> factory.account(settings::get)).sender(session);
    }

    /** Builds, and closes at once, the sender of {@code account}: whether it could send. */
    static void check(KeycloakSession session, SmsAccount account) {
        factory(session, account).account(resolved(session, account)::get).close();
    }

    static void forget(String componentId) {
        KEPT.forget(componentId);
    }

    private static AccountSenderFactory factory(KeycloakSession session, SmsAccount account) {
        if (session.getKeycloakSessionFactory().getProviderFactory(SmsSender.class, account.service()) instanceof AccountSenderFactory factory) {
            return factory;
        }
        throw new IllegalArgumentException("no SMS sender '" + account.service() + "' for realm accounts is installed");
    }

    /** The account's settings, each secret read through the realm's vault when it is a {@code ${vault.<key>}} reference. */
    static Map<String, String> resolved(KeycloakSession session, SmsAccount account) {
        return RealmSecrets.resolved(session, account.component(), factory(session, account).getConfigMetadata().stream()
                .filter(option -> !AccountSenderFactory.SERVER_ONLY.contains(option.getName())).toList());
    }
}
