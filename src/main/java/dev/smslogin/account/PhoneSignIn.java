package dev.smslogin.account;

import dev.smslogin.credential.PhoneNumberCredentialProvider;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phonedialog.PhoneDialog;
import dev.smslogin.settings.SmsLoginConfig;
import dev.smslogin.spi.KeycloakRelease;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticatorUtil;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.Set;

/**
 * What follows a checked code in a login flow, whichever step asked for it (the login pages, or the native-app
 * direct grant): the right code logs in the number's verified holder, or signs up a new one, with the linking and
 * MySQL mirror rules of {@link PhoneAccounts}; a wrong one is counted against the holder by Keycloak's brute-force
 * protection. Events are written here; the caller only answers (a page, an OAuth error).
 *
 * <p>Credential type and brute-force protection. A login by SMS records the credential type {@code phone-number}
 * ({@link PhoneNumberCredentialProvider#TYPE}): Keycloak's "Condition - credential" reads these types, and a
 * second-factor subflow conditioned on "no OTP used yet" must be asked after an SMS login. Keycloak counts a failed
 * step when the step's reference category is password, otp or recovery codes: the steps keep {@code otp} as their
 * reference category (a code sent by SMS is a one-time code), so wrong codes count as before. Keycloak clears a
 * user's counted failures after a login that recorded one of those types, which an SMS login no longer does: so at
 * the end of a successful login that used the SMS step ({@link #loginCompleted}) the step asks Keycloak's
 * brute-force protector to clear them, as for the {@code otp} category it counted them in.
 */
public final class PhoneSignIn {

    private static final Logger LOG = Logger.getLogger(PhoneSignIn.class);

    static final String EVENT_DETAIL_APP_USER_ID = "app_user_id";
    static final String EVENT_DETAIL_APP_USER_CREATED = "app_user_created";
    /** Session attribute: the login session in which the step succeeded during this request. */
    private static final String SIGNED_IN = PhoneSignIn.class.getName() + ".signedIn";

    /** How a sign-in with a proven number ended. */
    public enum Result {
        /** The user is set on the flow and the step succeeded. */
        LOGGED_IN,
        /** Registration is closed and neither Keycloak nor the app knows the number. */
        NO_ACCOUNT,
        /** The holder is disabled. */
        ACCOUNT_DISABLED,
        /** The holder is locked by Keycloak's brute-force protection. */
        ACCOUNT_LOCKED,
        /** Several users hold the number, or its holder's link to the app contradicts the app's row: an admin must fix it. */
        ACCOUNT_CONFLICT,
        /** The app's database could not be used, or a concurrent change of the number won: nothing was kept. */
        UNAVAILABLE
    }

    private PhoneSignIn() {
    }

    /**
     * A wrong, expired or locked code for {@code holder}'s number: the event names the holder (if any), and a wrong
     * guess at a live code is what Keycloak's brute-force protection counts when this step fails. Returns the event
     * error the caller records with its answer.
     */
    public static String wrongCode(AuthenticationFlowContext context, PhoneHolder holder, PhoneDialog.TypedCode typed) {
        UserModel user = holder.loginUser();
        if (user == null) {
            return Errors.INVALID_CODE;
        }
        context.getEvent().user(user);
        if (typed.wrongGuess()) {
            // read by Keycloak's brute-force protection when this request ends
            context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, user.getUsername());
        }
        return Errors.INVALID_USER_CREDENTIALS;
    }

    /**
     * The right code: possession of the number is proven, so what is said now reveals nothing to a stranger. On
     * {@link Result#LOGGED_IN} the flow's user is set and the step succeeded; otherwise the event error is written
     * and, where something may have been written, the transaction is marked for rollback.
     */
    public static Result proven(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone, PhoneHolder holder) {
        PhoneAccounts accounts = new PhoneAccounts(context.getSession(), context.getRealm());
        EventBuilder event = context.getEvent();
        UserModel user;
        try {
            UserModel existing = holder.kind() == PhoneHolder.Kind.NONE ? null : PhoneAccounts.loginUser(holder, phone);
            if (existing != null) {
                Result refused = refusedBeforeLogin(context, phone, existing);
                if (refused != null) {
                    return refused;
                }
                user = accounts.existing(existing, phone);
            } else {
                PhoneAccounts.Resolution resolution = accounts.newNumber(phone, config.allowRegistration(), config.usernameFormat());
                if (resolution == null) {
                    event.detail(PhoneDialog.EVENT_DETAIL_PHONE, phone.masked()).error(Errors.USER_NOT_FOUND);
                    return Result.NO_ACCOUNT;
                }
                user = resolution.user();
                if (resolution.registered()) {
                    registered(event, context.getExecution().getAuthenticator(), phone, resolution);
                }
            }
        } catch (PhoneAccountConflict e) {
            context.getSession().getTransactionManager().setRollbackOnly();
            LOG.warnf("SMS login: login of %s refused: %s. Fix the users' phoneNumber, phoneNumberVerified or appUserId.",
                    phone.masked(), e.getMessage());
            if (holder.user() != null) {
                event.user(holder.user());
            }
            event.detail(PhoneDialog.EVENT_DETAIL_PHONE, phone.masked()).detail(Details.REASON, e.reason()).error(Errors.INVALID_USER);
            return Result.ACCOUNT_CONFLICT;
        } catch (LoginMethodUnavailableException | ModelDuplicateException | PhoneClaim.Busy e) {
            // nothing of this login may be kept: the Keycloak user and the app's rows roll back together
            context.getSession().getTransactionManager().setRollbackOnly();
            LOG.warnf("SMS login: login of %s refused: %s", phone.masked(), e instanceof ModelDuplicateException
                    ? "a concurrent login created the user first" : e.getMessage());
            event.detail(PhoneDialog.EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_REQUEST);
            return Result.UNAVAILABLE;
        }
        event.detail(PhoneDialog.EVENT_DETAIL_PHONE, phone.masked());
        context.setUser(user);
        // the credential type Keycloak's "Condition - credential" sees: a phone number, not an OTP
        context.success(PhoneNumberCredentialProvider.TYPE);
        // the counted wrong codes are cleared when the whole login succeeds (loginCompleted): Keycloak calls the
        // step's instance of this session (SignInStep) when the top flow ends
        context.getSession().setAttribute(SIGNED_IN, context.getAuthenticationSession());
        AuthenticatorUtil.setAuthCallbacksFactoryIds(context.getAuthenticationSession(), context.getExecution().getAuthenticator());
        return Result.LOGGED_IN;
    }

    /**
     * The login in which an SMS step succeeded has succeeded as a whole (every other step of the flow too): the user's
     * login failures counted by Keycloak's brute-force protection are cleared, as Keycloak clears them after a login
     * by password or OTP. The login session is the one of this request (the direct grant; a browser login whose SMS
     * step was the last), or the one Keycloak's context holds (a browser login that ended in a later step).
     */
    static void loginCompleted(KeycloakSession session) {
        AuthenticationSessionModel authSession = session.getAttribute(SIGNED_IN, AuthenticationSessionModel.class);
        if (authSession == null) {
            authSession = session.getContext().getAuthenticationSession();
        }
        if (authSession == null || !AuthenticatorUtil.getAuthnCredentials(authSession).contains(PhoneNumberCredentialProvider.TYPE)) {
            return;
        }
        UserModel user = authSession.getAuthenticatedUser();
        RealmModel realm = authSession.getRealm();
        if (user == null || !realm.isBruteForceProtected()) {
            return;
        }
        // the category the wrong codes were counted in (the steps' reference category): Keycloak clears them
        KeycloakRelease.successfulLogin(session.getProvider(BruteForceProtector.class), realm, user,
                session.getContext().getConnection(), session.getContext().getHttpRequest().getUri(), Set.of(OTPCredentialModel.TYPE));
    }

    /** A disabled user, or one locked by Keycloak's brute-force protection, does not log in even with the right code. */
    static Result refusedBeforeLogin(AuthenticationFlowContext context, PhoneNumber phone, UserModel user) {
        String error = !user.isEnabled() ? Errors.USER_DISABLED : AuthenticatorUtils.getDisabledByBruteForceEventError(context, user);
        if (error == null) {
            return null;
        }
        context.getEvent().user(user).detail(PhoneDialog.EVENT_DETAIL_PHONE, phone.masked()).error(error);
        return user.isEnabled() ? Result.ACCOUNT_LOCKED : Result.ACCOUNT_DISABLED;
    }

    /** REGISTER, with the step's provider id as the register method ({@code sms-login}, {@code sms-login-direct-grant}). */
    private static void registered(EventBuilder flowEvent, String registerMethod, PhoneNumber phone, PhoneAccounts.Resolution resolution) {
        EventBuilder event = flowEvent.clone().event(EventType.REGISTER)
                .user(resolution.user())
                .detail(Details.USERNAME, resolution.user().getUsername())
                .detail(Details.REGISTER_METHOD, registerMethod)
                .detail(PhoneDialog.EVENT_DETAIL_PHONE, phone.masked());
        if (resolution.appAccount() != null) {
            event.detail(EVENT_DETAIL_APP_USER_ID, String.valueOf(resolution.appAccount().userId()))
                    .detail(EVENT_DETAIL_APP_USER_CREATED, String.valueOf(resolution.appAccount().created()));
        }
        event.success();
    }
}
