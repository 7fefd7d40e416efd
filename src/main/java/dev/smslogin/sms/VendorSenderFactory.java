package dev.smslogin.sms;

import dev.smslogin.metrics.SmsLoginMetrics;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the factories of the SMS services' senders share: this node's {@link SendBulkhead} published as a metric, and
 * the start log of the selected sender (its capacity; the options still to set, instead of failing start, so that an
 * admin can install first and configure after).
 */
public abstract class VendorSenderFactory implements AccountSenderFactory, ServerInfoAwareProviderFactory {

    private Function<String, String> serverOption;
    private SenderConnection connection;
    private Supplier<List<String>> missingOptions;
    private SendBulkhead bulkhead;

    /**
     * Called by {@code init} with the server account's settings: makes this node's bulkhead of the provider.
     *
     * @param missingOptions the options an admin still has to set; empty when the account can send
     */
    protected final SendBulkhead started(Function<String, String> serverOption, SenderConnection connection, Supplier<List<String>> missingOptions) {
        this.serverOption = serverOption;
        this.connection = connection;
        this.missingOptions = missingOptions;
        this.bulkhead = new SendBulkhead(connection.maxConcurrentSends());
        return bulkhead;
    }

    /** This node's sends in flight to the provider, shared by every account of it. */
    protected final SendBulkhead bulkhead() {
        return bulkhead;
    }

    /** Said beside a missing option in the start's warning, e.g. the per-purpose options that would do instead. */
    protected String missingOptionHint(String option) {
        return "";
    }

    @Override
    public final Account account(Function<String, String> accountOption) {
        Function<String, String> option = name -> SERVER_ONLY.contains(name) ? serverOption.apply(name) : accountOption.apply(name);
        return openAccount(option);
    }

    /**
     * The account whose settings {@code option} reads (the server's where only the server sets them).
     *
     * @throws IllegalArgumentException naming the settings that are missing or wrong
     */
    protected abstract Account openAccount(Function<String, String> option);

    /** Refuses settings that cannot send: {@code missing} names the options still to set. */
    protected static void requireComplete(List<String> missing) {
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing: " + String.join(", ", missing));
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (factory.getProviderFactory(SmsSender.class) != this) {
            return;
        }
        Logger log = Logger.getLogger(getClass());
        SmsLoginMetrics.global().sendsInFlight(getId(), bulkhead::inFlight, bulkhead.capacity());
        log.infof("SMS sender '%s': at most %d sends in flight on this node (max-concurrent-sends)", getId(), bulkhead.capacity());
        String warning = notConfiguredWarning();
        if (!warning.isEmpty()) {
            log.warn(warning);
        }
    }

    /**
     * The start's warning when the sender is in use but cannot send: the options to set (names only, never values).
     * Empty when it can send.
     */
    String notConfiguredWarning() {
        List<String> missing = missingOptions.get();
        if (missing.isEmpty()) {
            return "";
        }
        List<String> options = new ArrayList<>();
        for (String name : missing) {
            options.add("--spi-sms-sender--" + getId() + "--" + name + missingOptionHint(name));
        }
        return "SMS sender '" + getId() + "' is selected but not configured: every code send is refused (users read 'Text "
                + "messages cannot be sent right now') until " + String.join(", ", options) + (options.size() == 1 ? " is" : " are") + " set.";
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("endpoint", connection.baseUrl());
        info.put("configured", String.valueOf(missingOptions.get().isEmpty()));
        info.put("maxConcurrentSends", String.valueOf(bulkhead().capacity()));
        info.put("sendsInFlight", String.valueOf(bulkhead().inFlight()));
        return info;
    }
}
