package dev.smslogin.sms;

import org.keycloak.models.KeycloakSession;

import java.util.Set;
import java.util.function.Function;

/**
 * A sender factory that also sends with a realm's own account of its service (a realm admin's "SMS accounts" page).
 * An account's settings carry the same names as the server's options ({@code getConfigMetadata()}) except
 * {@link #SERVER_ONLY}: where the service is reached, how long a send may take and how many may be in flight stay
 * the server admin's (a realm admin points no request of Keycloak elsewhere), and every account's sends pass this
 * node's bulkhead of the service.
 */
public interface AccountSenderFactory extends SmsSenderFactory {

    Set<String> SERVER_ONLY = Set.of(SenderOptions.ENDPOINT, SenderOptions.PROTOCOL, SenderOptions.CONNECT_TIMEOUT_MS,
            SenderOptions.READ_TIMEOUT_MS, SenderOptions.MAX_CONCURRENT_SENDS);

    /** One account of the service on this node: what its senders share, until {@link #close()}. */
    interface Account extends AutoCloseable {

        SmsSender sender(KeycloakSession session);

        @Override
        void close();
    }

    /**
     * The account whose settings {@code option} reads (null for a setting not set; secrets already resolved from the
     * realm's vault; {@link #SERVER_ONLY} options are the server's).
     *
     * @throws IllegalArgumentException naming the settings that are missing or wrong
     */
    Account account(Function<String, String> option);
}
