package dev.smslogin.phonedialog;

import dev.smslogin.code.CodeHasher;
import dev.smslogin.code.CodeScope;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.SendDecision;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.Verification;
import dev.smslogin.metrics.SmsLoginMetrics.SendResult;
import dev.smslogin.metrics.SmsLoginMetrics.VerifyResult;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phone.InvalidPhoneNumberException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phone.PhoneNumberParser;
import dev.smslogin.phonecode.HumanCheckGate;
import dev.smslogin.phonecode.PhoneCodes;
import dev.smslogin.phonecode.SendOutcome;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The pages that prove a person holds a phone number: the phone page; a valid number gets a code (once per
 * cooldown, after the human check) and the code page, with "resend" and "change number"; the typed code is checked.
 * What the proof is for (a login, verifying a number) is the caller's: {@link #act} hands it the checked code.
 * A reload shows the current page again and never sends another SMS. The number in progress is kept in the login
 * session, per {@link DialogPurpose}.
 */
public final class PhoneDialog {

    public static final String PHONE_FIELD = "phone_number";
    public static final String CODE_FIELD = "code";
    /** The event detail naming the number (masked) a step was about. */
    public static final String EVENT_DETAIL_PHONE = "phone_number";
    /** The event details of a number change: the number before and after (masked). */
    public static final String EVENT_DETAIL_PREVIOUS_PHONE = "previous_phone_number";
    public static final String EVENT_DETAIL_UPDATED_PHONE = "updated_phone_number";

    /** A code of the right form, checked against the number's code: what the caller decides on. */
    public record TypedCode(PhoneNumber phone, Verification verification) {
        public boolean valid() {
            return verification == Verification.VALID;
        }

        /** A wrong guess at a live code: the kind a brute-force protection counts. */
        public boolean wrongGuess() {
            return verification == Verification.WRONG || verification == Verification.WRONG_AND_BURNED;
        }
    }

    private final DialogStep step;
    private final DialogSettings settings;
    private final DialogPurpose purpose;
    private final CodeHasher hasher;
    private final SmsLoginMetrics metrics;
    private Predicate<PhoneNumber> recipients = phone -> true;
    /** Set with {@link #sendingOnlyTo}: every send looks like a withheld one to the person at the page. */
    private boolean concealing;
    /** Set with {@link #skippable}: the phone page offers a button {@code skip}. */
    private boolean skippable;

    public PhoneDialog(DialogStep step, DialogSettings settings, DialogPurpose purpose, CodeHasher hasher, SmsLoginMetrics metrics) {
        this.step = step;
        this.settings = settings;
        this.purpose = purpose;
        this.hasher = hasher;
        this.metrics = metrics;
    }

    /**
     * Only numbers {@code recipients} accepts get an SMS; the others go through the same pages, limits and timing,
     * without one (see {@link PhoneCodes#withhold}). So that nobody can tell the two apart, a real send shows the
     * same code page whatever became of it (sent, refused by the provider, unconfirmed, busy), and a send the provider
     * refused is not given back, as a withheld one is not: its cooldown and counts stand. Logs, metrics and the event
     * keep what happened.
     */
    public PhoneDialog sendingOnlyTo(Predicate<PhoneNumber> recipients) {
        this.recipients = recipients;
        this.concealing = true;
        return this;
    }

    /** The phone page offers a button named {@code skip}: the step may go on without a number (the caller handles it). */
    public PhoneDialog skippable(boolean skippable) {
        this.skippable = skippable;
        return this;
    }

    /** Shows the page the user is on: the code page while a number is in progress, else the phone page with {@code prefill}. */
    public void show(String prefill) {
        PhoneNumber phone = phone();
        if (phone == null) {
            step.show(phonePage(prefill, null));
        } else {
            step.show(codePage(phone, resendWaitSeconds(), null, null));
        }
    }

    /**
     * Handles a submitted page. Returns the typed code, checked, when the user submitted one of the right form and
     * the code store answered: the caller then shows the next page ({@link #showWrongCode} for a code that is not
     * valid). Otherwise this dialog has shown the next page itself and returns null.
     */
    public TypedCode act() {
        MultivaluedMap<String, String> form = step.request().getDecodedFormParameters();
        PhoneNumber phone = phone();
        if (!purpose.numberChosenByUser()) {
            return actOnAccountNumber(form, phone);
        }
        if (form.containsKey("change_number") || phone == null && !form.containsKey(PHONE_FIELD)) {
            forget();
            step.show(phonePage(null, null));
        } else if (phone == null) {
            submitPhone(form);
        } else if (form.containsKey("resend")) {
            SendLimits limits = passHumanCheck(form, phone, true);
            if (limits != null) {
                sendCode(phone, true, limits);
            }
        } else {
            return submitCode(phone, form.getFirst(CODE_FIELD));
        }
        return null;
    }

    /**
     * Starts a dialog on the account's own number (the second factor). With a human check that shows a widget and is
     * due for this send ({@code humanCheckAfterSends}), the code page asks for it first and "resend" sends the first
     * code. Otherwise the first code goes out now, once the flow's human check passes (or is not due): a check without a widget ({@code none}, or one that judges the client alone) is asked
     * as for every other send, with no form fields (the request is the previous step's, a password form, say, which
     * is not the check's to read); refused, the code page says so and "resend" asks again. A reload, or a return to the
     * step in the same login session, shows the code page of the code already sent.
     */
    public void begin(PhoneNumber accountNumber) {
        if (accountNumber.equals(phone())) {
            show(null);
            return;
        }
        remember(accountNumber, 0);
        Map<String, String> widget = humanCheckWidget(accountNumber);
        if (!widget.isEmpty()) {
            step.show(DialogPages.codePage(step, settings, purpose, accountNumber, 0, null,
                    DialogPages.message(DialogMessages.HUMAN_CHECK_FIRST), widget));
            return;
        }
        SendLimits limits = passHumanCheck(new MultivaluedHashMap<>(), accountNumber, true);  // shows a refusal or a misconfiguration
        if (limits != null) {
            sendCode(accountNumber, true, limits);
        }
    }

    /** The account's number: "resend" sends again, anything else is a typed code; no phone page. */
    private TypedCode actOnAccountNumber(MultivaluedMap<String, String> form, PhoneNumber phone) {
        if (phone == null) {
            return null;  // the caller begins again
        }
        if (form.containsKey("resend")) {
            SendLimits limits = passHumanCheck(form, phone, true);
            if (limits != null) {
                sendCode(phone, true, limits);
            }
            return null;
        }
        return submitCode(phone, form.getFirst(CODE_FIELD));
    }

    /** The code page again, telling why the typed code did not prove the number; the event records the error. */
    public void showWrongCode(TypedCode typed, String eventError) {
        String message = switch (typed.verification()) {
            case WRONG -> DialogMessages.CODE_WRONG;
            case WRONG_AND_BURNED -> DialogMessages.CODE_BURNED;
            case LOCKED -> DialogMessages.PHONE_LOCKED;
            default -> DialogMessages.CODE_EXPIRED;
        };
        step.event().detail(EVENT_DETAIL_PHONE, typed.phone().masked()).error(eventError);
        Response page = codePage(typed.phone(), resendWaitSeconds(), DialogPages.codeError(message), null);
        if (typed.wrongGuess()) {
            step.showFailure(page);  // counted by Keycloak's brute-force protection where the step knows the user
        } else {
            step.show(page);
        }
    }

    /** The code page again with a message (the number was proven, but the caller cannot go on with it). */
    public void showCodePage(PhoneNumber phone, String messageKey, Object... parameters) {
        step.show(codePage(phone, resendWaitSeconds(),
                DialogPages.message(messageKey, parameters), null));
    }

    /** Forgets the number and starts again at the phone page, with a message. */
    public void restart(String messageKey, Object... parameters) {
        forget();
        step.show(phonePage(null, DialogPages.message(messageKey, parameters)));
    }

    /** The number in progress (a code was sent to it in this login session), or null. */
    public PhoneNumber phone() {
        AuthenticationSessionModel authSession = step.authSession();
        String e164 = authSession.getAuthNote(note("phone"));
        if (e164 == null) {
            return null;
        }
        String region = authSession.getAuthNote(note("phone-region"));
        // a login session begun on a node of the previous version has no region note
        return region == null ? PhoneNumber.fromE164(e164) : PhoneNumber.restore(e164, region);
    }

    /** Ends the dialog: the number in progress is forgotten. */
    public void forget() {
        AuthenticationSessionModel authSession = step.authSession();
        authSession.removeAuthNote(note("phone"));
        authSession.removeAuthNote(note("phone-region"));
        authSession.removeAuthNote(note("resend-at"));
    }

    private void submitPhone(MultivaluedMap<String, String> form) {
        String typed = form.getFirst(PHONE_FIELD);
        PhoneNumber phone;
        try {
            phone = new PhoneNumberParser(RegionChoice.chosen(step.request(), settings), settings.allowedRegions()).parse(typed);
        } catch (InvalidPhoneNumberException e) {
            step.event().error(Errors.INVALID_INPUT);
            metrics.codeAsked(step.realm().getName(), SendResult.INVALID_NUMBER);
            String refill = typed == null || typed.length() > PhoneNumberParser.MAX_INPUT_LENGTH ? null : typed;
            step.show(phonePage(refill, DialogPages.phoneError(rejectionMessage(e))));
            return;
        }
        SendLimits limits = passHumanCheck(form, phone, false);
        if (limits != null) {
            sendCode(phone, false, limits);
        }
    }

    /**
     * The flow's human check in front of a send, the first and each resend ({@link HumanCheckGate}): the limits to send
     * within when it passed (or was not due), else null after the page saying why.
     */
    private SendLimits passHumanCheck(MultivaluedMap<String, String> form, PhoneNumber phone, boolean onCodePage) {
        Map<String, String> fields = new HashMap<>();
        form.forEach((name, values) -> fields.put(name, values.isEmpty() ? null : values.get(0)));
        PhoneCodes codes = phoneCodes();
        HumanCheckGate.Verdict verdict = codes.humanChecks().check(settings.humanCheck(), codeScope(codes, phone), phone, fields,
                step.remoteAddress(), settings.sendLimits());
        if (verdict instanceof HumanCheckGate.Passed passed) {
            return passed.limits();
        }
        String failure;
        if (verdict instanceof HumanCheckGate.Refused refused) {
            failure = refused.dueAfterSends() ? DialogMessages.HUMAN_CHECK_REQUIRED : DialogMessages.HUMAN_CHECK_FAILED;
        } else if (verdict instanceof HumanCheckGate.Unavailable) {
            failure = DialogMessages.SERVICE_UNAVAILABLE;
        } else {
            failure = DialogMessages.MISCONFIGURED;
        }
        step.event().detail(EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_INPUT);
        showSendError(phone, onCodePage, DialogPages.message(failure));
        return null;
    }

    /** The human check's widget when the next send to {@code phone} (null: a number not typed yet) asks it, else none. */
    private Map<String, String> humanCheckWidget(PhoneNumber phone) {
        PhoneCodes codes = phoneCodes();
        return codes.humanChecks().widget(settings.humanCheck(), phone == null ? null : codeScope(codes, phone), step.remoteAddress(),
                settings.sendLimits());
    }

    private Response phonePage(String prefill, FormMessage error) {
        return phonePage(prefill, error, null);
    }

    /** The phone page, with the check's widget when a send to {@code phone} (null: any number) asks it. */
    private Response phonePage(String prefill, FormMessage error, PhoneNumber phone) {
        return DialogPages.phonePage(step, settings, purpose, skippable, prefill, error, humanCheckWidget(phone));
    }

    private Response codePage(PhoneNumber phone, long resendWaitSeconds, FormMessage error, FormMessage info) {
        return DialogPages.codePage(step, settings, purpose, phone, resendWaitSeconds, error, info, humanCheckWidget(phone));
    }

    private void sendCode(PhoneNumber phone, boolean onCodePage, SendLimits limits) {
        PhoneCodes codes = phoneCodes();
        SendOutcome result;
        if (!recipients.test(phone)) {
            result = codes.withhold(codeScope(codes, phone), phone, step.remoteAddress(), limits, settings.codeLength(),
                    settings.codeTtl());
        } else if (concealing) {
            result = codes.sendConcealed(codeScope(codes, phone), phone, step.remoteAddress(), limits, settings.codeLength(),
                    settings.codeTtl(), settings.smsTemplate(purpose.smsPurpose()));
        } else {
            result = codes.send(codeScope(codes, phone), phone, step.remoteAddress(), limits, settings.codeLength(),
                    settings.codeTtl(), settings.smsTemplate(purpose.smsPurpose()));
        }
        if (result instanceof SendOutcome.Sent sent) {
            showCodePage(phone, sent.cooldownSeconds(), null, DialogPages.message(purpose.sentKey(), phone.maskedForDisplay()));
            return;
        }
        EventBuilder event = step.event().detail(EVENT_DETAIL_PHONE, phone.masked());
        if (result instanceof SendOutcome.Refused refused) {
            // which window refused (cooldown, phone_limit, ip_limit, realm_limit, region_limit), for admins: the page
            // says the same for every limit
            event.detail(Details.REASON, refused.decision().outcome().name().toLowerCase(Locale.ROOT));
        }
        event.error(Errors.INVALID_REQUEST);
        if (concealing && (result instanceof SendOutcome.NotSent || result instanceof SendOutcome.Unconfirmed)) {
            // what a withheld send shows: the event above and the log tell admins what really happened
            long cooldown = settings.sendLimits().cooldownSeconds();
            showCodePage(phone, cooldown, null, DialogPages.message(purpose.sentKey(), phone.maskedForDisplay()));
            return;
        }
        if (result instanceof SendOutcome.Unconfirmed unconfirmed) {
            // the SMS may still arrive: its code stays valid and the cooldown runs, as for a code that went out
            showCodePage(phone, unconfirmed.cooldownSeconds(),
                    DialogPages.message(DialogMessages.SMS_UNCONFIRMED, unconfirmed.cooldownSeconds()), null);
        } else if (result instanceof SendOutcome.Refused refused) {
            refuseSend(phone, onCodePage, refused.decision());
        } else if (result instanceof SendOutcome.NotSent notSent) {
            showSendError(phone, onCodePage, switch (notSent.failure()) {
                case RATE_LIMITED, NUMBER_LIMITED -> DialogPages.message(DialogMessages.SMS_RATE_LIMITED);
                case INVALID_NUMBER -> DialogPages.phoneError(DialogMessages.SMS_REFUSED_NUMBER);
                case MISCONFIGURED, UNAVAILABLE -> DialogPages.message(DialogMessages.SMS_UNAVAILABLE);
                case BUSY -> DialogPages.message(DialogMessages.SMS_BUSY);
            });
        } else {
            showSendError(phone, onCodePage, DialogPages.message(DialogMessages.SERVICE_UNAVAILABLE));
        }
    }

    /** The code page of {@code phone}, with a resend allowed after {@code resendWaitSeconds}. */
    private void showCodePage(PhoneNumber phone, long resendWaitSeconds, FormMessage error, FormMessage info) {
        remember(phone, resendWaitSeconds);
        step.show(codePage(phone, resendWaitSeconds, error, info));
    }

    /** {@code phone} is the number in progress, a new code allowed in {@code resendWaitSeconds}. */
    private void remember(PhoneNumber phone, long resendWaitSeconds) {
        AuthenticationSessionModel authSession = step.authSession();
        authSession.setAuthNote(note("phone"), phone.e164());
        authSession.setAuthNote(note("phone-region"), phone.region());
        authSession.setAuthNote(note("resend-at"), String.valueOf(Time.currentTimeMillis() + resendWaitSeconds * 1000));
    }

    private void refuseSend(PhoneNumber phone, boolean onCodePage, SendDecision decision) {
        if (decision.outcome() == SendDecision.Outcome.COOLDOWN) {
            // a code went out a moment ago: the code page, with the time left before a resend
            showCodePage(phone, decision.retryAfterSeconds(),
                    DialogPages.message(DialogMessages.RESEND_WAIT, decision.retryAfterSeconds()), null);
            return;
        }
        showSendError(phone, onCodePage, DialogPages.message(DialogMessages.TOO_MANY_CODES, minutes(decision.retryAfterSeconds())));
    }

    private void showSendError(PhoneNumber phone, boolean onCodePage, FormMessage error) {
        if (onCodePage) {
            step.show(codePage(phone, resendWaitSeconds(), error, null));
        } else {
            step.show(phonePage(phone.e164(), error, phone));
        }
    }

    /** Checks a typed code; a code of the wrong form, or a store that cannot answer, gets its page here. */
    private TypedCode submitCode(PhoneNumber phone, String typed) {
        String code = typed == null ? "" : typed.strip();
        if (!isCodeOfLength(code, settings.codeLength())) {
            step.event().detail(EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_CODE);
            metrics.codeTyped(step.realm().getName(), VerifyResult.MALFORMED);
            step.show(codePage(phone, resendWaitSeconds(),
                    DialogPages.codeError(DialogMessages.CODE_MALFORMED, settings.codeLength()), null));
            return null;
        }
        PhoneCodes codes = phoneCodes();
        try {
            return new TypedCode(phone, codes.check(codeScope(codes, phone), phone, code, settings.verifyLimits()));
        } catch (CodeStoreUnavailableException e) {
            step.event().detail(EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_REQUEST);
            step.show(codePage(phone, resendWaitSeconds(),
                    DialogPages.message(DialogMessages.SERVICE_UNAVAILABLE), null));
            return null;
        }
    }

    private long resendWaitSeconds() {
        String resendAt = step.authSession().getAuthNote(note("resend-at"));
        if (resendAt == null) {
            return 0;
        }
        long millis = Long.parseLong(resendAt) - Time.currentTimeMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    private PhoneCodes phoneCodes() {
        return new PhoneCodes(step.session(), step.realm(), hasher, metrics);
    }

    /** A code is valid only for its purpose, in the browser tab (login session) that asked for it. */
    private CodeScope codeScope(PhoneCodes codes, PhoneNumber phone) {
        AuthenticationSessionModel authSession = step.authSession();
        String tab = authSession.getParentSession().getId() + "/" + authSession.getTabId();
        return codes.scope(phone, purpose == DialogPurpose.LOGIN ? tab : purpose.id() + "/" + tab);
    }

    /** The login-session note {@code name} of this dialog's purpose (the login's keep their names of earlier versions). */
    private String note(String name) {
        return purpose.id() + "." + name;
    }

    private static boolean isCodeOfLength(String typed, int length) {
        return typed.length() == length && typed.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static long minutes(long seconds) {
        return Math.max(1, (seconds + 59) / 60);
    }

    private static String rejectionMessage(InvalidPhoneNumberException e) {
        return switch (e.reason()) {
            case MALFORMED -> DialogMessages.PHONE_MALFORMED;
            case NOT_MOBILE -> DialogMessages.PHONE_NOT_MOBILE;
            case REGION_NOT_ALLOWED -> DialogMessages.PHONE_REGION_NOT_ALLOWED;
        };
    }
}
