package dev.smslogin.sms;

import java.util.Set;
import java.util.function.Function;

/**
 * A sender factory that also sends with a realm's own account of its service (a realm admin's "SMS accounts" page):
 * the account's settings carry the same names as the server's options ({@code getConfigMetadata()}), and its sends
 * pass this node's bulkhead of the service, as the server account's do.
 */
public interface AccountSenderFactory extends SmsSenderFactory {

    /**
     * A sender over the account whose settings {@code option} reads (null for a setting not set; secrets already
     * resolved from the realm's vault). It holds its own client until {@link SmsSender#close()}.
     *
     * @throws IllegalArgumentException naming the settings that are missing or wrong
     */
    SmsSender accountSender(Function<String, String> option);

    /** Options that only the server sets: not offered to a realm's account. */
    default Set<String> serverOnlyOptions() {
        return Set.of("max-concurrent-sends");
    }
}
