package dev.smslogin.resetcredentials;

import dev.smslogin.account.PhoneUsers;
import dev.smslogin.credential.OtherSecondFactors;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phonedialog.DialogMessages;
import dev.smslogin.phonedialog.PhoneDialog;
import dev.smslogin.settings.FlowDialogs;
import dev.smslogin.settings.NumberFirstStep;
import dev.smslogin.settings.SmsLoginConfig;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.UserModel;

/**
 * "Forgot password?" by SMS: the user types a number and proves it with a code, and becomes the user of the
 * reset, whose next step (Keycloak's "Reset Password") sets the new password. Only an enabled account holding the
 * number verified gets an SMS; any other number goes through the same pages, limits and timing without one, and
 * the event says what happened ({@code RESET_PASSWORD_ERROR}, {@code user_not_found}). An account that also has an
 * authenticator app, a security key or a passkey goes on only when the flow asks for one of them after this step
 * ({@link SecondFactorAfterReset}); otherwise the reset is refused: the phone alone never takes such an account.
 */
final class SmsResetCredentialsAuthenticator implements NumberFirstStep {

    /** The event's {@code reason} when a proven number is refused because the flow would skip the user's second factor. */
    static final String REASON_SECOND_FACTOR_NOT_ASKED = "second_factor_not_asked";
    private static final Logger LOG = Logger.getLogger(SmsResetCredentialsAuthenticator.class);

    private final FlowDialogs dialogs;

    SmsResetCredentialsAuthenticator(FlowDialogs dialogs) {
        this.dialogs = dialogs;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        SmsLoginConfig config = dialogs.config(context);
        if (config != null) {
            dialogs.dialog(context, config).show(null);
        }
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        SmsLoginConfig config = dialogs.config(context);
        if (config == null) {
            return;
        }
        context.getAuthenticationSession().removeAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME);
        PhoneDialog dialog = dialogs.dialog(context, config).sendingOnlyTo(phone -> resettableUser(context, config, phone) != null);
        PhoneDialog.TypedCode typed = dialog.act();
        if (typed == null) {
            return;
        }
        UserModel user = resettableUser(context, config, typed.phone());
        if (user == null) {
            // no code went out: whatever was typed is wrong, as it would be for an account's number
            dialog.showWrongCode(typed, Errors.USER_NOT_FOUND);
            return;
        }
        context.getEvent().user(user);
        if (!typed.valid()) {
            if (typed.wrongGuess()) {
                // read by Keycloak's brute-force protection when this request ends; removed by the next request
                context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, user.getUsername());
            }
            dialog.showWrongCode(typed, Errors.INVALID_USER_CREDENTIALS);
            return;
        }
        dialog.forget();
        context.getEvent().detail(PhoneDialog.EVENT_DETAIL_PHONE, typed.phone().masked());
        if (OtherSecondFactors.heldBy(user) && !new SecondFactorAfterReset(context.getSession(), context.getRealm(), user,
                context.getAuthenticationSession()).askedAfter(context.getExecution())) {
            refuseWithoutSecondFactor(context, typed.phone());
            return;
        }
        context.setUser(user);
        context.success();
    }

    /**
     * The number is proven, but the account also has an authenticator app, a security key or a passkey, and the flow
     * would not ask for it: the phone alone must not take the account. Nothing changes, nobody is logged in; the page
     * says so, and the event and the log tell the admin how to fix the flow.
     */
    private static void refuseWithoutSecondFactor(AuthenticationFlowContext context, PhoneNumber phone) {
        LOG.warnf("SMS reset: refused for %s in realm '%s': the account has a second factor (OTP, WebAuthn or passkey) and the "
                        + "reset flow asks for none of them after the SMS step; add a CONDITIONAL sub-flow with 'Condition - user "
                        + "configured' and the OTP form / WebAuthn after it (docs/second-factor-and-reset.md, "
                        + "\"Forgot password?\" by SMS)",
                phone.masked(), context.getRealm().getName());
        context.getEvent().detail(Details.REASON, REASON_SECOND_FACTOR_NOT_ASKED).error(Errors.NOT_ALLOWED);
        Response page = context.form().setError(DialogMessages.RESET_SECOND_FACTOR_NOT_ASKED).createErrorPage(Response.Status.FORBIDDEN);
        context.failure(AuthenticationFlowError.ACCESS_DENIED, page);
    }

    /**
     * The account whose password the holder of {@code phone} may reset: the number's single verified holder, enabled
     * and not locked by Keycloak's brute-force protection; else null, and the event says so.
     */
    private static UserModel resettableUser(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone) {
        UserModel user = PhoneUsers.find(context.getSession(), context.getRealm(), phone, config.usernameFormat()).loginUser();
        String error = user == null ? Errors.USER_NOT_FOUND
                : !user.isEnabled() ? Errors.USER_DISABLED
                : AuthenticatorUtils.getDisabledByBruteForceEventError(context, user);
        if (error == null) {
            return user;
        }
        context.getEvent().detail(PhoneDialog.EVENT_DETAIL_PHONE, phone.masked()).error(error);
        return null;
    }
}
