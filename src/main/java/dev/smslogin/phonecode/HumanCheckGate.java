package dev.smslogin.phonecode;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.humancheck.HumanCheckUnavailableException;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phone.PhoneNumber;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Map;

/**
 * The flow's human check in front of a send ({@link HumanCheckPolicy}): whether the next send asks it (always, or
 * once the number or the client reached the flow's count of sends in the hour, as the code store counts them for
 * the send limits), whether a request passes it, and what a vendor outage does. Callers ask {@link #check} before
 * {@link PhoneCodes#send} and send within the limits it answers. One instance per request ({@link PhoneCodes#humanChecks}).
 */
public final class HumanCheckGate {

    private static final Logger LOG = Logger.getLogger(HumanCheckGate.class);

    /** What a request for a code gets from the human check. */
    public sealed interface Verdict {
    }

    /** Send, within {@code limits}: the check passed or was not due (the limits asked), or the vendor is down and the flow allows sends then (tighter). */
    public record Passed(SendLimits limits) implements Verdict {
    }

    /**
     * No send: the check was due and the request did not pass it. {@code dueAfterSends}: it was due because the number
     * or the client reached the flow's count of sends (the person may not have been shown it before).
     */
    public record Refused(boolean dueAfterSends) implements Verdict {
    }

    /** No send: the vendor cannot answer and the flow refuses sends then (the default). */
    public record Unavailable() implements Verdict {
    }

    /** No send: the flow names a check that is not installed. */
    public record Misconfigured() implements Verdict {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final PhoneCodes codes;
    private final SmsLoginMetrics metrics;

    HumanCheckGate(KeycloakSession session, RealmModel realm, PhoneCodes codes, SmsLoginMetrics metrics) {
        this.session = session;
        this.realm = realm;
        this.codes = codes;
        this.metrics = metrics;
    }

    /**
     * Whether the next send asks the check: to the number of {@code scope} (null while the number is not known yet:
     * then the client's sends alone decide) from {@code clientAddress}. A code store that cannot answer: due.
     */
    public boolean due(HumanCheckPolicy policy, CodeScope scope, String clientAddress, SendLimits limits) {
        if (!policy.asksAnything()) {
            return false;
        }
        if (policy.always()) {
            return true;
        }
        int n = policy.afterSends();
        SmsCodeStore store = session.getProvider(SmsCodeStore.class);
        try {
            return store.sendsFromClient(realm.getId(), codes.clientName(clientAddress), limits, n) >= n
                    || scope != null && store.sendsToNumber(scope, limits, n) >= n;
        } catch (CodeStoreUnavailableException e) {
            LOG.debugf("SMS login: code store unavailable while counting sends for the human check: %s", e.getMessage());
            return true;
        }
    }

    /**
     * What the page shows of the check before the next send: the check's widget attributes
     * ({@link HumanCheck#pageAttributes}) when that send asks it, else none (also for a check without a widget).
     */
    public Map<String, String> widget(HumanCheckPolicy policy, CodeScope scope, String clientAddress, SendLimits limits) {
        if (!policy.asksAnything()) {
            return Map.of();
        }
        HumanCheck check = session.getProvider(HumanCheck.class, policy.provider());
        if (check == null || check.pageAttributes().isEmpty() || !due(policy, scope, clientAddress, limits)) {
            return Map.of();
        }
        return check.pageAttributes();
    }

    /**
     * Asks the check of a request for a code to {@code phone} (its {@code scope}), with the request's {@code fields},
     * when the send is due to ask it. Refusals are counted ({@code human_check_failed}) and logged with the number masked.
     */
    public Verdict check(HumanCheckPolicy policy, CodeScope scope, PhoneNumber phone, Map<String, String> fields, String clientAddress,
                         SendLimits limits) {
        HumanCheck check = session.getProvider(HumanCheck.class, policy.provider());
        if (check == null) {
            LOG.errorf("SMS login: humanCheck '%s' of realm '%s' is not an installed sms-human-check provider; no code is sent",
                    policy.provider(), realm.getName());
            metrics.codeAsked(realm.getName(), SmsLoginMetrics.SendResult.HUMAN_CHECK_FAILED);
            return new Misconfigured();
        }
        if (!due(policy, scope, clientAddress, limits)) {
            return new Passed(limits);
        }
        boolean passed;
        try {
            passed = check.passes(fields, clientAddress);
        } catch (HumanCheckUnavailableException e) {
            return outage(policy, phone, limits, e);
        }
        if (HumanCheckOutages.NODE.ended(realm.getName(), policy.provider())) {
            LOG.infof("SMS login: human check '%s' of realm '%s' answers again; codes need it passed", policy.provider(), realm.getName());
        }
        if (passed) {
            return new Passed(limits);
        }
        metrics.codeAsked(realm.getName(), SmsLoginMetrics.SendResult.HUMAN_CHECK_FAILED);
        return new Refused(!policy.always());
    }

    private Verdict outage(HumanCheckPolicy policy, PhoneNumber phone, SendLimits limits, HumanCheckUnavailableException e) {
        if (!policy.allowDuringOutage()) {
            LOG.warnf("SMS login: human check unavailable, no code sent to %s: %s", phone.masked(), e.getMessage());
            metrics.humanCheckOutage(realm.getName(), policy.provider(), SmsLoginMetrics.OutageDecision.REFUSED);
            metrics.codeAsked(realm.getName(), SmsLoginMetrics.SendResult.HUMAN_CHECK_FAILED);
            return new Unavailable();
        }
        if (HumanCheckOutages.NODE.began(realm.getName(), policy.provider())) {
            LOG.warnf("SMS login: human check '%s' of realm '%s' is unavailable (%s); humanCheckOutage is allow, so codes go out "
                    + "without it, within a %dth of the number's and the client's send limits, until it answers again",
                    policy.provider(), realm.getName(), e.getMessage(), HumanCheckPolicy.OUTAGE_LIMIT_DIVISOR);
        } else {
            LOG.debugf("SMS login: human check '%s' still unavailable; a code to %s within the outage's limits", policy.provider(),
                    phone.masked());
        }
        metrics.humanCheckOutage(realm.getName(), policy.provider(), SmsLoginMetrics.OutageDecision.ALLOWED);
        return new Passed(limits.dividedBy(HumanCheckPolicy.OUTAGE_LIMIT_DIVISOR));
    }
}
