package dev.smslogin.authenticator;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.SendDecision;
import dev.smslogin.code.Verification;
import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.humancheck.HumanCheckUnavailableException;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.metrics.SmsLoginMetrics.SendResult;
import dev.smslogin.metrics.SmsLoginMetrics.VerifyResult;
import dev.smslogin.phone.InvalidPhoneNumberException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phone.PhoneNumberParser;
import dev.smslogin.phonecode.PhoneCodes;
import dev.smslogin.phonecode.SendOutcome;
import dev.smslogin.phonecode.SendOutcome.NotSent;
import dev.smslogin.phonecode.SendOutcome.Refused;
import dev.smslogin.phonecode.SendOutcome.Sent;
import dev.smslogin.phonecode.SendOutcome.Unconfirmed;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole SMS login step. First the phone page; a valid number gets a code (once per cooldown) and the code
 * page; the right code logs in the user holding the number, or signs up a new one. A reload shows the current
 * page again and never sends another SMS.
 */
final class SmsLoginAuthenticator implements Authenticator {

    private static final Logger LOG = Logger.getLogger(SmsLoginAuthenticator.class);

    /** E.164 number a code was sent to in this login session; set means the code page is showing. */
    static final String NOTE_PHONE = "sms-login.phone";
    /** The region of {@link #NOTE_PHONE}, so that later requests need not parse the number again. */
    static final String NOTE_PHONE_REGION = "sms-login.phone-region";
    /** Epoch millis from which a resend is allowed, for the countdown. */
    static final String NOTE_RESEND_AT = "sms-login.resend-at";
    static final String EVENT_DETAIL_PHONE = "phone_number";
    static final String EVENT_DETAIL_APP_USER_ID = "app_user_id";
    static final String EVENT_DETAIL_APP_USER_CREATED = "app_user_created";

    private final SmsLoginMetrics metrics;
    private final PhoneAttributesDeclaration phoneAttributes;
    private final SmsLoginConfigCache configs = new SmsLoginConfigCache();
    private final RealmSendLimits sendLimits = new RealmSendLimits(configs);

    SmsLoginAuthenticator(SmsLoginMetrics metrics, PhoneAttributesDeclaration phoneAttributes) {
        this.metrics = metrics;
        this.phoneAttributes = phoneAttributes;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        SmsLoginConfig config = config(context);
        if (config == null) {
            return;
        }
        phoneAttributes.ensureOnce(context.getSession(), context.getRealm());
        PhoneNumber phone = phoneOfSession(context);
        if (phone == null) {
            context.challenge(LoginPages.phonePage(context, config, null, null));
        } else {
            context.challenge(LoginPages.codePage(context, config, phone, resendWaitSeconds(context), null, null));
        }
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        SmsLoginConfig config = config(context);
        if (config == null) {
            return;
        }
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        context.getAuthenticationSession().removeAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME);
        PhoneNumber phone = phoneOfSession(context);
        if (form.containsKey("change_number") || phone == null && !form.containsKey(LoginPages.PHONE_FIELD)) {
            forgetPhone(context.getAuthenticationSession());
            context.challenge(LoginPages.phonePage(context, config, null, null));
        } else if (phone == null) {
            submitPhone(context, config, form);
        } else if (form.containsKey("resend")) {
            if (passesHumanCheck(context, config, form, phone, true)) {
                sendCode(context, config, phone, true);
            }
        } else {
            submitCode(context, config, phone, form.getFirst(LoginPages.CODE_FIELD));
        }
    }

    private void submitPhone(AuthenticationFlowContext context, SmsLoginConfig config, MultivaluedMap<String, String> form) {
        String typed = form.getFirst(LoginPages.PHONE_FIELD);
        PhoneNumber phone;
        try {
            phone = new PhoneNumberParser(RegionChoice.chosen(context, config), config.allowedRegions()).parse(typed);
        } catch (InvalidPhoneNumberException e) {
            context.getEvent().error(Errors.INVALID_INPUT);
            metrics.codeAsked(context.getRealm().getName(), SendResult.INVALID_NUMBER);
            String refill = typed == null || typed.length() > PhoneNumberParser.MAX_INPUT_LENGTH ? null : typed;
            context.challenge(LoginPages.phonePage(context, config, refill, LoginPages.phoneError(rejectionMessage(e))));
            return;
        }
        if (passesHumanCheck(context, config, form, phone, false)) {
            sendCode(context, config, phone, false);
        }
    }

    /** Every request that sends an SMS, the first and each resend, passes the flow's human check with a fresh token. */
    private boolean passesHumanCheck(AuthenticationFlowContext context, SmsLoginConfig config,
                                     MultivaluedMap<String, String> form, PhoneNumber phone, boolean onCodePage) {
        HumanCheck check = context.getSession().getProvider(HumanCheck.class, config.humanCheck());
        String failure;
        if (check == null) {
            LOG.errorf("SMS login: humanCheck '%s' of realm '%s' is not an installed sms-human-check provider; no code is sent",
                    config.humanCheck(), context.getRealm().getName());
            failure = SmsLoginMessages.MISCONFIGURED;
        } else {
            try {
                Map<String, String> fields = new HashMap<>();
                form.forEach((name, values) -> fields.put(name, values.isEmpty() ? null : values.get(0)));
                failure = check.passes(fields, context.getConnection().getRemoteAddr()) ? null : SmsLoginMessages.HUMAN_CHECK_FAILED;
            } catch (HumanCheckUnavailableException e) {
                LOG.warnf("SMS login: human check unavailable, no code sent to %s: %s", phone.masked(), e.getMessage());
                failure = SmsLoginMessages.SERVICE_UNAVAILABLE;
            }
        }
        if (failure == null) {
            return true;
        }
        context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_INPUT);
        metrics.codeAsked(context.getRealm().getName(), SendResult.HUMAN_CHECK_FAILED);
        showSendError(context, config, phone, onCodePage, LoginPages.message(failure));
        return false;
    }

    private void sendCode(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone, boolean onCodePage) {
        PhoneCodes codes = phoneCodes(context);
        SendOutcome result = codes.send(codeScope(codes, context, phone), phone,
                context.getConnection().getRemoteAddr(), sendLimits.of(context.getRealm(), context.getExecution(), config),
                config.codeLength(),
                Duration.ofSeconds(config.codeTtlSeconds()));
        if (result instanceof Sent sent) {
            showCodePage(context, config, phone, sent.cooldownSeconds(), null,
                    LoginPages.message(SmsLoginMessages.CODE_SENT, phone.maskedForDisplay()));
            return;
        }
        context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_REQUEST);
        if (result instanceof Unconfirmed unconfirmed) {
            // the SMS may still arrive: its code stays valid and the cooldown runs, as for a code that went out
            showCodePage(context, config, phone, unconfirmed.cooldownSeconds(),
                    LoginPages.message(SmsLoginMessages.SMS_UNCONFIRMED, unconfirmed.cooldownSeconds()), null);
        } else if (result instanceof Refused refused) {
            refuseSend(context, config, phone, onCodePage, refused.decision());
        } else if (result instanceof NotSent notSent) {
            showSendError(context, config, phone, onCodePage, switch (notSent.failure()) {
                case RATE_LIMITED -> LoginPages.message(SmsLoginMessages.SMS_RATE_LIMITED);
                case INVALID_NUMBER -> LoginPages.phoneError(SmsLoginMessages.SMS_REFUSED_NUMBER);
                case MISCONFIGURED, UNAVAILABLE -> LoginPages.message(SmsLoginMessages.SMS_UNAVAILABLE);
                case BUSY -> LoginPages.message(SmsLoginMessages.SMS_BUSY);
            });
        } else {
            showSendError(context, config, phone, onCodePage, LoginPages.message(SmsLoginMessages.SERVICE_UNAVAILABLE));
        }
    }

    /** The code page of {@code phone}, with a resend allowed after {@code resendWaitSeconds}. */
    private static void showCodePage(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone,
                                     long resendWaitSeconds, FormMessage error, FormMessage info) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        rememberPhone(authSession, phone);
        authSession.setAuthNote(NOTE_RESEND_AT, String.valueOf(Time.currentTimeMillis() + resendWaitSeconds * 1000));
        context.challenge(LoginPages.codePage(context, config, phone, resendWaitSeconds, error, info));
    }

    private void refuseSend(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone, boolean onCodePage,
                            SendDecision decision) {
        if (decision.outcome() == SendDecision.Outcome.COOLDOWN) {
            // a code went out a moment ago: the code page, with the time left before a resend
            showCodePage(context, config, phone, decision.retryAfterSeconds(),
                    LoginPages.message(SmsLoginMessages.RESEND_WAIT, decision.retryAfterSeconds()), null);
            return;
        }
        showSendError(context, config, phone, onCodePage,
                LoginPages.message(SmsLoginMessages.TOO_MANY_CODES, minutes(decision.retryAfterSeconds())));
    }

    private void showSendError(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone, boolean onCodePage,
                               FormMessage error) {
        if (onCodePage) {
            context.challenge(LoginPages.codePage(context, config, phone, resendWaitSeconds(context), error, null));
        } else {
            context.challenge(LoginPages.phonePage(context, config, phone.e164(), error));
        }
    }

    /**
     * Checks a typed code. The pages depend only on what the code store says, so registered and unknown numbers
     * look alike at every step; only a wrong guess at a live code counts in Keycloak's brute-force protection,
     * against the number's single verified holder (never a guess when there is no code, nor at a locked number).
     */
    private void submitCode(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone, String typed) {
        String code = typed == null ? "" : typed.strip();
        if (!isCodeOfLength(code, config.codeLength())) {
            context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_CODE);
            metrics.codeTyped(context.getRealm().getName(), VerifyResult.MALFORMED);
            context.challenge(LoginPages.codePage(context, config, phone, resendWaitSeconds(context),
                    LoginPages.codeError(SmsLoginMessages.CODE_MALFORMED, config.codeLength()), null));
            return;
        }
        PhoneCodes codes = phoneCodes(context);
        Verification verification;
        try {
            verification = codes.check(codeScope(codes, context, phone), phone, code, config.verifyLimits());
        } catch (CodeStoreUnavailableException e) {
            context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_REQUEST);
            context.challenge(LoginPages.codePage(context, config, phone, resendWaitSeconds(context),
                    LoginPages.message(SmsLoginMessages.SERVICE_UNAVAILABLE), null));
            return;
        }
        PhoneHolder holder = PhoneUsers.find(context.getSession(), context.getRealm(), phone);
        if (verification == Verification.VALID) {
            logIn(context, config, phone, holder);
            return;
        }
        String message = switch (verification) {
            case WRONG -> SmsLoginMessages.CODE_WRONG;
            case WRONG_AND_BURNED -> SmsLoginMessages.CODE_BURNED;
            case LOCKED -> SmsLoginMessages.PHONE_LOCKED;
            default -> SmsLoginMessages.CODE_EXPIRED;
        };
        UserModel user = holder.loginUser();
        if (user != null) {
            context.getEvent().user(user);
            if (verification == Verification.WRONG || verification == Verification.WRONG_AND_BURNED) {
                // read by Keycloak's brute-force protection when this request ends; removed by the next request
                context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, user.getUsername());
            }
        }
        context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked())
                .error(user != null ? Errors.INVALID_USER_CREDENTIALS : Errors.INVALID_CODE);
        context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS,
                LoginPages.codePage(context, config, phone, resendWaitSeconds(context), LoginPages.codeError(message), null));
    }

    /** The right code: possession of the number is proven, so what is said now reveals nothing to a stranger. */
    private void logIn(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone, PhoneHolder holder) {
        PhoneAccounts accounts = new PhoneAccounts(context.getSession(), context.getRealm());
        UserModel user;
        try {
            UserModel existing = holder.kind() == PhoneHolder.Kind.NONE ? null : PhoneAccounts.loginUser(holder, phone);
            if (existing != null && refusedBeforeLogin(context, config, phone, existing)) {
                return;
            }
            if (existing != null) {
                user = accounts.existing(existing, phone);
            } else {
                PhoneAccounts.Resolution resolution = accounts.newNumber(phone, config.allowRegistration(), config.usernameFormat());
                if (resolution == null) {
                    context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked()).error(Errors.USER_NOT_FOUND);
                    context.failureChallenge(AuthenticationFlowError.INVALID_USER,
                            LoginPages.codePage(context, config, phone, resendWaitSeconds(context),
                                    LoginPages.codeError(SmsLoginMessages.NO_ACCOUNT), null));
                    return;
                }
                user = resolution.user();
                if (resolution.registered()) {
                    registered(context, phone, resolution);
                }
            }
        } catch (PhoneAccountConflict e) {
            context.getSession().getTransactionManager().setRollbackOnly();
            LOG.warnf("SMS login: login of %s refused: %s. Fix the users' phoneNumber, phoneNumberVerified or appUserId.",
                    phone.masked(), e.getMessage());
            if (holder.user() != null) {
                context.getEvent().user(holder.user());
            }
            context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked()).detail(Details.REASON, e.reason()).error(Errors.INVALID_USER);
            forgetPhone(context.getAuthenticationSession());
            context.challenge(LoginPages.phonePage(context, config, null, LoginPages.message(SmsLoginMessages.PHONE_ACCOUNT_CONFLICT)));
            return;
        } catch (LoginMethodUnavailableException | ModelDuplicateException e) {
            // nothing of this login may be kept: the Keycloak user and the app's rows roll back together
            context.getSession().getTransactionManager().setRollbackOnly();
            LOG.warnf("SMS login: login of %s refused: %s", phone.masked(), e instanceof ModelDuplicateException
                    ? "a concurrent login created the user first" : e.getMessage());
            context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_REQUEST);
            forgetPhone(context.getAuthenticationSession());
            context.challenge(LoginPages.phonePage(context, config, null, LoginPages.message(SmsLoginMessages.SERVICE_UNAVAILABLE)));
            return;
        }
        forgetPhone(context.getAuthenticationSession());
        context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked());
        context.setUser(user);
        // an "otp" success makes Keycloak's brute-force protection clear the wrong codes counted so far
        context.success(OTPCredentialModel.TYPE);
    }

    /** A disabled user, or one locked by Keycloak's brute-force protection, does not log in even with the right code. */
    private boolean refusedBeforeLogin(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone, UserModel user) {
        String error = !user.isEnabled() ? Errors.USER_DISABLED : AuthenticatorUtils.getDisabledByBruteForceEventError(context, user);
        if (error == null) {
            return false;
        }
        context.getEvent().user(user).detail(EVENT_DETAIL_PHONE, phone.masked()).error(error);
        context.challenge(LoginPages.codePage(context, config, phone, resendWaitSeconds(context),
                LoginPages.message(user.isEnabled() ? SmsLoginMessages.ACCOUNT_LOCKED : SmsLoginMessages.ACCOUNT_DISABLED), null));
        return true;
    }

    private static void registered(AuthenticationFlowContext context, PhoneNumber phone, PhoneAccounts.Resolution resolution) {
        EventBuilder event = context.getEvent().clone().event(EventType.REGISTER)
                .user(resolution.user())
                .detail(Details.USERNAME, resolution.user().getUsername())
                .detail(Details.REGISTER_METHOD, SmsLoginAuthenticatorFactory.PROVIDER_ID)
                .detail(EVENT_DETAIL_PHONE, phone.masked());
        if (resolution.appAccount() != null) {
            event.detail(EVENT_DETAIL_APP_USER_ID, String.valueOf(resolution.appAccount().userId()))
                    .detail(EVENT_DETAIL_APP_USER_CREATED, String.valueOf(resolution.appAccount().created()));
        }
        event.success();
    }

    private SmsLoginConfig config(AuthenticationFlowContext context) {
        try {
            return configs.get(context.getAuthenticatorConfig());
        } catch (SmsLoginConfig.InvalidConfigException e) {
            LOG.errorf("SMS login: the execution's settings in realm '%s' are invalid: %s", context.getRealm().getName(), e.getMessage());
            context.getEvent().error(Errors.INVALID_CONFIG);
            context.failure(AuthenticationFlowError.INTERNAL_ERROR,
                    context.form().setError(SmsLoginMessages.MISCONFIGURED).createErrorPage(jakarta.ws.rs.core.Response.Status.INTERNAL_SERVER_ERROR));
            return null;
        }
    }

    private static PhoneNumber phoneOfSession(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String e164 = authSession.getAuthNote(NOTE_PHONE);
        if (e164 == null) {
            return null;
        }
        String region = authSession.getAuthNote(NOTE_PHONE_REGION);
        // a login session begun on a node of the previous version has no region note
        return region == null ? PhoneNumber.fromE164(e164) : PhoneNumber.restore(e164, region);
    }

    private static void rememberPhone(AuthenticationSessionModel authSession, PhoneNumber phone) {
        authSession.setAuthNote(NOTE_PHONE, phone.e164());
        authSession.setAuthNote(NOTE_PHONE_REGION, phone.region());
    }

    private static void forgetPhone(AuthenticationSessionModel authSession) {
        authSession.removeAuthNote(NOTE_PHONE);
        authSession.removeAuthNote(NOTE_PHONE_REGION);
        authSession.removeAuthNote(NOTE_RESEND_AT);
        authSession.removeAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME);
    }

    private static long resendWaitSeconds(AuthenticationFlowContext context) {
        String resendAt = context.getAuthenticationSession().getAuthNote(NOTE_RESEND_AT);
        if (resendAt == null) {
            return 0;
        }
        long millis = Long.parseLong(resendAt) - Time.currentTimeMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    private PhoneCodes phoneCodes(AuthenticationFlowContext context) {
        return new PhoneCodes(context.getSession(), context.getRealm(), CodeSecrets.hasher(context.getSession(), context.getRealm()), metrics);
    }

    /** A code is valid only in the browser tab (login session) that asked for it. */
    private static CodeScope codeScope(PhoneCodes codes, AuthenticationFlowContext context, PhoneNumber phone) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        return codes.scope(phone, authSession.getParentSession().getId() + "/" + authSession.getTabId());
    }

    private static boolean isCodeOfLength(String typed, int length) {
        return typed.length() == length && typed.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static long minutes(long seconds) {
        return Math.max(1, (seconds + 59) / 60);
    }

    private static String rejectionMessage(InvalidPhoneNumberException e) {
        return switch (e.reason()) {
            case MALFORMED -> SmsLoginMessages.PHONE_MALFORMED;
            case NOT_MOBILE -> SmsLoginMessages.PHONE_NOT_MOBILE;
            case REGION_NOT_ALLOWED -> SmsLoginMessages.PHONE_REGION_NOT_ALLOWED;
        };
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
