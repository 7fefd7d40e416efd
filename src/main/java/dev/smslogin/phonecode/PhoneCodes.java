package dev.smslogin.phonecode;

import dev.smslogin.code.ClientKey;
import dev.smslogin.code.CodeGenerator;
import dev.smslogin.code.CodeHasher;
import dev.smslogin.code.CodeScope;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.SendDecision;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.Verification;
import dev.smslogin.code.VerifyLimits;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.sms.SmsFailure;
import dev.smslogin.sms.SmsSendException;
import dev.smslogin.sms.SmsTemplate;
import dev.smslogin.sms.account.SmsRoutes;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.time.Duration;

/**
 * Sends codes to phone numbers and checks typed codes: the one piece every use of a phone shares (the login, and
 * later verifying a number, a second factor, a reset). It owns the order of things (limits and cooldown reserved
 * atomically before the SMS, the code stored only as a keyed hash, a send given back only when the provider
 * definitely did not send it), the mapping of failures, logging with masked numbers, and the metrics. Callers turn
 * its results into pages. One instance per request.
 */
public final class PhoneCodes {

    private static final Logger LOG = Logger.getLogger(PhoneCodes.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final CodeHasher hasher;
    private final SmsLoginMetrics metrics;

    public PhoneCodes(KeycloakSession session, RealmModel realm, CodeHasher hasher, SmsLoginMetrics metrics) {
        this.session = session;
        this.realm = realm;
        this.hasher = hasher;
        this.metrics = metrics;
    }

    /** The scope of codes for {@code phone} asked for in the login session (or other binding) {@code binding}. */
    public CodeScope scope(PhoneNumber phone, String binding) {
        return hasher.scope(realm.getId(), phone, binding);
    }

    /** The flow's human check in front of this request's sends. */
    public HumanCheckGate humanChecks() {
        return new HumanCheckGate(session, realm, this, metrics);
    }

    /** The keyed name under which a store counts the client at {@code clientAddress} (no IP in a store in clear). */
    String clientName(String clientAddress) {
        return hasher.clientName(realm.getId(), ClientKey.of(clientAddress));
    }

    /**
     * Reserves a send within {@code limits}, then sends a new code of {@code codeLength} digits valid for {@code ttl}
     * in the message {@code template} names.
     */
    public SendOutcome send(CodeScope scope, PhoneNumber phone, String clientAddress, SendLimits limits, int codeLength, Duration ttl,
                            SmsTemplate template) {
        return reserveAndSend(scope, phone, clientAddress, limits, codeLength, ttl, template, true);
    }

    /**
     * As {@link #send}, for a number that must not be told apart from one whose send is {@linkplain #withhold withheld}
     * (a password reset to a number an account has): a send the provider refused is not given back, since a withheld
     * send never is (its limits and cooldown stand as for a code that went out), and a refusal that came quicker than
     * sends take waits as a withheld send does. The outcome still tells what happened, for the logs and events.
     */
    public SendOutcome sendConcealed(CodeScope scope, PhoneNumber phone, String clientAddress, SendLimits limits, int codeLength,
                                     Duration ttl, SmsTemplate template) {
        return reserveAndSend(scope, phone, clientAddress, limits, codeLength, ttl, template, false);
    }

    /**
     * Everything a send does (the limits and cooldown reserved, a code stored that nobody will see) but the SMS,
     * taking about as long as sends take: for a number that must not be told apart from one that gets a code (a
     * password reset to a number no account has). The outcome is what a send to it would have been.
     */
    public SendOutcome withhold(CodeScope scope, PhoneNumber phone, String clientAddress, SendLimits limits, int codeLength, Duration ttl) {
        return reserveAndSend(scope, phone, clientAddress, limits, codeLength, ttl, null, false);
    }

    /**
     * Reserves a send, then delivers the code in {@code template}, or withholds it when {@code template} is null. A send
     * the provider definitely did not take is given back only when {@code giveBackRefused}.
     */
    private SendOutcome reserveAndSend(CodeScope scope, PhoneNumber phone, String clientAddress, SendLimits limits, int codeLength,
                                       Duration ttl, SmsTemplate template, boolean giveBackRefused) {
        SmsCodeStore store = session.getProvider(SmsCodeStore.class);
        // the client's windows are named by a keyed hash of its address, as a number's are: no IP in a store in clear
        String client = clientName(clientAddress);
        String code = CodeGenerator.generate(codeLength);
        SendDecision decision;
        try {
            decision = store.reserveSend(scope, client, limits, hasher.hash(scope, code), ttl);
        } catch (CodeStoreUnavailableException e) {
            LOG.warnf("SMS login: code store unavailable while sending to %s: %s", phone.masked(), e.getMessage());
            metrics.codeAsked(realm.getName(), SmsLoginMetrics.SendResult.STORE_UNAVAILABLE);
            return new SendOutcome.StoreUnavailable();
        }
        if (!decision.allowed()) {
            LOG.infof("SMS login: no code sent to %s: %s, retry in %d s", phone.masked(), decision.outcome(), decision.retryAfterSeconds());
            if (decision.outcome() == SendDecision.Outcome.REALM_LIMIT) {
                LOG.warnf("SMS login: realm '%s' reached maxSendsPerRealmPerHour; codes are refused for %d s (cost circuit breaker)",
                        realm.getName(), decision.retryAfterSeconds());
            } else if (decision.outcome() == SendDecision.Outcome.REGION_LIMIT) {
                LOG.warnf("SMS login: realm '%s' reached maxSendsPerRegionPerHour for region %s (refused a code to %s); codes to %s "
                        + "numbers are refused for %d s (toll-fraud guard)", realm.getName(), phone.region(), phone.masked(),
                        phone.region(), decision.retryAfterSeconds());
            }
            metrics.codeAsked(realm.getName(), refused(decision.outcome()));
            return new SendOutcome.Refused(decision);
        }
        if (template == null) {
            SendDurations.NODE.imitate();
            LOG.debugf("SMS login: no SMS to %s (withheld), limits counted as for a send", phone.masked());
            metrics.codeAsked(realm.getName(), SmsLoginMetrics.SendResult.WITHHELD);
            return new SendOutcome.Sent(limits.cooldownSeconds());
        }
        long started = System.nanoTime();
        try {
            deliver(phone, code, template);
        } catch (SmsSendException e) {
            if (e.mayHaveBeenDelivered()) {
                LOG.warnf("SMS login: %s; the code may still arrive, so it stays valid and the cooldown runs", e.getMessage());
                metrics.codeAsked(realm.getName(), SmsLoginMetrics.SendResult.SMS_UNCONFIRMED);
                metrics.codeSent(realm.getName(), phone.region());
                return new SendOutcome.Unconfirmed(limits.cooldownSeconds());
            }
            LOG.warnf("SMS login: %s (%s)", e.getMessage(), e.failure());
            if (giveBackRefused) {
                giveBack(store, scope, client, decision, phone);
            } else {
                // counted as a withheld send is; and no quicker than one
                SendDurations.NODE.imitateAfter(System.nanoTime() - started);
            }
            metrics.codeAsked(realm.getName(), notDelivered(e.failure()));
            return new SendOutcome.NotSent(e.failure());
        }
        LOG.debugf("SMS login: code sent to %s", phone.masked());
        metrics.codeAsked(realm.getName(), SmsLoginMetrics.SendResult.SENT);
        metrics.codeSent(realm.getName(), phone.region());
        return new SendOutcome.Sent(limits.cooldownSeconds());
    }

    /**
     * Checks a typed code (already checked to be of the right form) against the scope's code.
     *
     * @throws CodeStoreUnavailableException when the code store cannot be reached (counted in the metrics)
     */
    public Verification check(CodeScope scope, PhoneNumber phone, String code, VerifyLimits limits) {
        Verification verification;
        try {
            verification = session.getProvider(SmsCodeStore.class).verify(scope, hasher.hash(scope, code), limits);
        } catch (CodeStoreUnavailableException e) {
            LOG.warnf("SMS login: code store unavailable while checking a code for %s: %s", phone.masked(), e.getMessage());
            metrics.codeTyped(realm.getName(), SmsLoginMetrics.VerifyResult.STORE_UNAVAILABLE);
            throw e;
        }
        metrics.codeTyped(realm.getName(), typed(verification));
        if (verification == Verification.LOCKED) {
            LOG.warnf("SMS login: %s is locked after too many wrong codes", phone.masked());
        }
        return verification;
    }

    /** Hands the code to the realm's SMS route (its own accounts, or the server's sender), timing it. */
    private void deliver(PhoneNumber phone, String code, SmsTemplate template) throws SmsSendException {
        long start = System.nanoTime();
        new SmsRoutes(session, realm, metrics).send(phone, code, template);
        SendDurations.NODE.record(System.nanoTime() - start);
    }

    private static void giveBack(SmsCodeStore store, CodeScope scope, String client, SendDecision decision, PhoneNumber phone) {
        try {
            store.cancelSend(scope, client, decision);
        } catch (CodeStoreUnavailableException e) {
            LOG.debugf("SMS login: could not give back a refused send to %s: %s", phone.masked(), e.getMessage());
        }
    }

    /** What became of an ask the code store refused (cooldown or a limit). */
    private static SmsLoginMetrics.SendResult refused(SendDecision.Outcome outcome) {
        return switch (outcome) {
            case COOLDOWN -> SmsLoginMetrics.SendResult.COOLDOWN;
            case PHONE_LIMIT -> SmsLoginMetrics.SendResult.PHONE_LIMIT;
            case IP_LIMIT -> SmsLoginMetrics.SendResult.IP_LIMIT;
            case REALM_LIMIT, ALLOWED -> SmsLoginMetrics.SendResult.REALM_LIMIT;
            case REGION_LIMIT -> SmsLoginMetrics.SendResult.REGION_LIMIT;
        };
    }

    /** What became of an ask whose code the SMS provider did not take. */
    private static SmsLoginMetrics.SendResult notDelivered(SmsFailure failure) {
        return switch (failure) {
            case RATE_LIMITED, NUMBER_LIMITED -> SmsLoginMetrics.SendResult.SMS_RATE_LIMITED;
            case INVALID_NUMBER -> SmsLoginMetrics.SendResult.SMS_REFUSED_NUMBER;
            case MISCONFIGURED, UNAVAILABLE -> SmsLoginMetrics.SendResult.SMS_UNAVAILABLE;
            case BUSY -> SmsLoginMetrics.SendResult.SMS_BUSY;
        };
    }

    /** What the code store said of a typed code, as the metrics count it. */
    private static SmsLoginMetrics.VerifyResult typed(Verification verification) {
        return switch (verification) {
            case VALID -> SmsLoginMetrics.VerifyResult.VALID;
            case WRONG -> SmsLoginMetrics.VerifyResult.WRONG;
            case WRONG_AND_BURNED -> SmsLoginMetrics.VerifyResult.BURNED;
            case NO_CODE -> SmsLoginMetrics.VerifyResult.EXPIRED;
            case LOCKED -> SmsLoginMetrics.VerifyResult.LOCKED;
        };
    }
}
