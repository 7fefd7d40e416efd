package dev.smslogin.sms.account;

import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.sms.SmsFailure;
import dev.smslogin.sms.SmsSendException;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.SmsTemplate;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.ui.extend.UiPageProvider;

import java.util.Comparator;
import java.util.List;

/**
 * Which SMS account sends a code, and the next one when it cannot. A realm without accounts of its own sends with the
 * server's sender. Otherwise the accounts naming the number's region serve it (or, when none does, those for every
 * other region, {@code *}), lowest priority first: the next is tried only when one is unavailable (unreachable, slow,
 * failing, throttled, out of balance, its keys refused, this node busy with it), never after a refusal about the
 * number itself (invalid, blocked, its own limits). The code is the same whichever account delivers it.
 */
public final class SmsRoutes {

    private static final Logger LOG = Logger.getLogger(SmsRoutes.class);
    /** The account tag of the server's sender in the metrics. */
    static final String SERVER_ACCOUNT = "server";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final SmsLoginMetrics metrics;

    public SmsRoutes(KeycloakSession session, RealmModel realm, SmsLoginMetrics metrics) {
        this.session = session;
        this.realm = realm;
        this.metrics = metrics;
    }

    /**
     * Sends {@code code} to {@code to} through the first account of its route that takes it.
     *
     * @throws SmsSendException the last account's failure (one that may have delivered, if any did), or the refusal
     *                          about the number that ended the route
     */
    public void send(PhoneNumber to, String code, SmsTemplate template) throws SmsSendException {
        List<SmsAccount> route = route(realm, to.region());
        if (route == null) {
            String service = session.getKeycloakSessionFactory().getProviderFactory(SmsSender.class).getId();
            try {
                attempt(SERVER_ACCOUNT, service, session.getProvider(SmsSender.class), to, code, template);
            } catch (SmsSendException e) {
                metrics.accountSend(realm.getName(), SERVER_ACCOUNT, to.region(), SmsLoginMetrics.AccountResult.REFUSED);
                throw e;
            }
            return;
        }
        if (route.isEmpty()) {
            throw new SmsSendException(SmsFailure.MISCONFIGURED, "no SMS account of realm " + realm.getName() + " serves region " + to.region());
        }
        SmsSendException unconfirmed = null;
        for (int i = 0; ; i++) {
            SmsAccount account = route.get(i);
            try {
                attempt(account.name(), account.service(), sender(account), to, code, template);
                return;
            } catch (SmsSendException e) {
                boolean failOver = e.failure().mayFailOver() && i + 1 < route.size();
                metrics.accountSend(realm.getName(), account.name(), to.region(),
                        failOver ? SmsLoginMetrics.AccountResult.FAILED_OVER : SmsLoginMetrics.AccountResult.REFUSED);
                unconfirmed = e.mayHaveBeenDelivered() ? e : unconfirmed;
                if (!failOver) {
                    throw e.failure().mayFailOver() && unconfirmed != null ? unconfirmed : e;
                }
                LOG.warnf("SMS login: SMS account '%s' of realm %s could not send to %s (%s: %s); trying '%s'", account.name(), realm.getName(),
                        to.masked(), e.failure(), e.getMessage(), route.get(i + 1).name());
            }
        }
    }

    /** The realm's accounts serving {@code region}, in order; null when the realm has none (the server's sender). */
    static List<SmsAccount> route(RealmModel realm, String region) {
        List<SmsAccount> accounts = realm.getComponentsStream(realm.getId(), UiPageProvider.class.getName())
                .filter(component -> component.getProviderId() != null && component.getProviderId().startsWith(SmsAccountPage.PREFIX))
                .map(SmsRoutes::account)
                .filter(account -> account != null)
                .toList();
        if (accounts.isEmpty()) {
            return null;
        }
        String served = accounts.stream().anyMatch(account -> account.regions().contains(region)) ? region : SmsAccount.EVERY_OTHER_REGION;
        return accounts.stream()
                .filter(account -> account.regions().contains(served))
                .sorted(Comparator.comparingInt(SmsAccount::priority).thenComparing(SmsAccount::name, Comparator.naturalOrder()))
                .toList();
    }

    private static SmsAccount account(ComponentModel component) {
        String service = component.getProviderId().substring(SmsAccountPage.PREFIX.length());
        String problem = SmsAccount.problem(component.get(SmsAccount.REGIONS), component.get(SmsAccount.PRIORITY));
        if (problem != null) {
            LOG.warnf("SMS login: SMS account '%s' of a realm is left out: %s", component.getName(), problem);
            return null;
        }
        return SmsAccount.of(component, service);
    }

    private SmsSender sender(SmsAccount account) throws SmsSendException {
        try {
            return AccountSenders.of(session, account);
        } catch (IllegalArgumentException e) {
            throw new SmsSendException(SmsFailure.MISCONFIGURED, "SMS account '" + account.name() + "' cannot send: " + e.getMessage());
        }
    }

    /** One account's try, timed and counted. */
    private void attempt(String account, String service, SmsSender sender, PhoneNumber to, String code, SmsTemplate template) throws SmsSendException {
        long start = System.nanoTime();
        try {
            sender.sendCode(to, code, template);
            metrics.sendTook(service, null, System.nanoTime() - start);
            metrics.accountSend(realm.getName(), account, to.region(), SmsLoginMetrics.AccountResult.SENT);
        } catch (SmsSendException e) {
            metrics.sendTook(service, e.failure(), System.nanoTime() - start);
            throw e;
        }
    }
}
