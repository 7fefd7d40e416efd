package dev.smslogin.authenticator;

import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phonedialog.DialogMessages;
import dev.smslogin.phonedialog.DialogPurpose;
import dev.smslogin.phonedialog.PhoneDialog;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
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
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The whole SMS login step: a {@link PhoneDialog} proves the number, then the user holding it logs in, or a new
 * one signs up. The pages depend only on what the code store says, so registered and unknown numbers look alike at
 * every step; only a wrong guess at a live code counts in Keycloak's brute-force protection, against the number's
 * single verified holder (never a guess when there is no code, nor at a locked number).
 */
final class SmsLoginAuthenticator implements Authenticator {

    private static final Logger LOG = Logger.getLogger(SmsLoginAuthenticator.class);

    static final String EVENT_DETAIL_PHONE = PhoneDialog.EVENT_DETAIL_PHONE;
    static final String EVENT_DETAIL_APP_USER_ID = "app_user_id";
    static final String EVENT_DETAIL_APP_USER_CREATED = "app_user_created";

    private final FlowDialogs dialogs;
    private final PhoneAttributesDeclaration phoneAttributes;

    SmsLoginAuthenticator(SmsLoginMetrics metrics, PhoneAttributesDeclaration phoneAttributes) {
        this.dialogs = new FlowDialogs(DialogPurpose.LOGIN, metrics);
        this.phoneAttributes = phoneAttributes;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        SmsLoginConfig config = dialogs.config(context);
        if (config == null) {
            return;
        }
        phoneAttributes.ensureOnce(context.getSession(), context.getRealm());
        dialogs.dialog(context, config).show(null);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        SmsLoginConfig config = dialogs.config(context);
        if (config == null) {
            return;
        }
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        authSession.removeAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME);
        PhoneDialog dialog = dialogs.dialog(context, config);
        PhoneDialog.TypedCode typed = dialog.act();
        if (typed == null) {
            return;
        }
        PhoneHolder holder = PhoneUsers.find(context.getSession(), context.getRealm(), typed.phone());
        if (typed.valid()) {
            logIn(context, config, dialog, typed.phone(), holder);
            return;
        }
        UserModel user = holder.loginUser();
        if (user != null) {
            context.getEvent().user(user);
            if (typed.wrongGuess()) {
                // read by Keycloak's brute-force protection when this request ends; removed by the next request
                authSession.setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, user.getUsername());
            }
        }
        dialog.showWrongCode(typed, user != null ? Errors.INVALID_USER_CREDENTIALS : Errors.INVALID_CODE);
    }

    /** The right code: possession of the number is proven, so what is said now reveals nothing to a stranger. */
    private void logIn(AuthenticationFlowContext context, SmsLoginConfig config, PhoneDialog dialog, PhoneNumber phone, PhoneHolder holder) {
        PhoneAccounts accounts = new PhoneAccounts(context.getSession(), context.getRealm());
        UserModel user;
        try {
            UserModel existing = holder.kind() == PhoneHolder.Kind.NONE ? null : PhoneAccounts.loginUser(holder, phone);
            if (existing != null && refusedBeforeLogin(context, dialog, phone, existing)) {
                return;
            }
            if (existing != null) {
                user = accounts.existing(existing, phone);
            } else {
                PhoneAccounts.Resolution resolution = accounts.newNumber(phone, config.allowRegistration(), config.usernameFormat());
                if (resolution == null) {
                    context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked()).error(Errors.USER_NOT_FOUND);
                    dialog.showCodePage(phone, DialogMessages.NO_ACCOUNT);
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
            dialog.restart(DialogMessages.PHONE_ACCOUNT_CONFLICT);
            return;
        } catch (LoginMethodUnavailableException | ModelDuplicateException | PhoneClaim.Busy e) {
            // nothing of this login may be kept: the Keycloak user and the app's rows roll back together
            context.getSession().getTransactionManager().setRollbackOnly();
            LOG.warnf("SMS login: login of %s refused: %s", phone.masked(), e instanceof ModelDuplicateException
                    ? "a concurrent login created the user first" : e.getMessage());
            context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_REQUEST);
            dialog.restart(DialogMessages.SERVICE_UNAVAILABLE);
            return;
        }
        dialog.forget();
        context.getEvent().detail(EVENT_DETAIL_PHONE, phone.masked());
        context.setUser(user);
        // an "otp" success makes Keycloak's brute-force protection clear the wrong codes counted so far
        context.success(OTPCredentialModel.TYPE);
    }

    /** A disabled user, or one locked by Keycloak's brute-force protection, does not log in even with the right code. */
    private static boolean refusedBeforeLogin(AuthenticationFlowContext context, PhoneDialog dialog, PhoneNumber phone, UserModel user) {
        String error = !user.isEnabled() ? Errors.USER_DISABLED : AuthenticatorUtils.getDisabledByBruteForceEventError(context, user);
        if (error == null) {
            return false;
        }
        context.getEvent().user(user).detail(EVENT_DETAIL_PHONE, phone.masked()).error(error);
        dialog.showCodePage(phone, user.isEnabled() ? DialogMessages.ACCOUNT_LOCKED : DialogMessages.ACCOUNT_DISABLED);
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
