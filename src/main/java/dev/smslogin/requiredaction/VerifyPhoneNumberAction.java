package dev.smslogin.requiredaction;

import dev.smslogin.code.CodeSecrets;
import dev.smslogin.credential.PhoneNumberCredentialProvider;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phonedialog.DialogMessages;
import dev.smslogin.phonedialog.DialogPurpose;
import dev.smslogin.phonedialog.DialogStep;
import dev.smslogin.phonedialog.PhoneDialog;
import dev.smslogin.realm.PhoneAttributes;
import dev.smslogin.settings.RealmSendLimits;
import dev.smslogin.settings.SmsLoginConfig;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.Errors;
import org.keycloak.models.Constants;
import org.keycloak.models.UserModel;

/**
 * {@code verify-phone-number}: a {@link PhoneDialog} proves a number, then {@link NumberChange} puts it on the user.
 * Assigned by an admin, as a default action, or started by an application ({@code kc_action}) to add or change the
 * number. A user who already has a verified number passes an assigned or default action without a page; an
 * application that starts it always gets the pages (to change the number). Cancelling changes nothing.
 */
final class VerifyPhoneNumberAction implements RequiredActionProvider {

    private static final Logger LOG = Logger.getLogger(VerifyPhoneNumberAction.class);

    private final SmsLoginMetrics metrics;
    private final RealmSendLimits sendLimits;

    VerifyPhoneNumberAction(SmsLoginMetrics metrics, RealmSendLimits sendLimits) {
        this.metrics = metrics;
        this.sendLimits = sendLimits;
    }

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        VerifyPhoneSettings settings = settings(context);
        if (settings == null) {
            return;
        }
        UserModel user = context.getUser();
        if (!startedByApplication(context) && PhoneNumberCredentialProvider.hasVerifiedNumber(user)) {
            context.success();
            return;
        }
        String unverified = PhoneNumberCredentialProvider.hasVerifiedNumber(user) ? null : user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER);
        dialog(context, settings).show(unverified);
    }

    @Override
    public void processAction(RequiredActionContext context) {
        VerifyPhoneSettings settings = settings(context);
        if (settings == null) {
            return;
        }
        PhoneDialog dialog = dialog(context, settings);
        PhoneDialog.TypedCode typed = dialog.act();
        if (typed == null) {
            return;
        }
        if (!typed.valid()) {
            dialog.showWrongCode(typed, Errors.INVALID_CODE);
            return;
        }
        NumberChange.Result result;
        try {
            result = new NumberChange(context.getSession(), context.getRealm(), context.getEvent())
                    .apply(context.getUser(), typed.phone(), settings.numberInUse());
        } catch (LoginMethodUnavailableException e) {
            LOG.warnf("verify-phone-number: %s not given to a user: %s", typed.phone().masked(), e.getMessage());
            result = NumberChange.Result.BUSY;
        }
        switch (result) {
            case CHANGED -> {
                dialog.forget();
                context.success();
            }
            case IN_USE -> dialog.restart(DialogMessages.VERIFY_NUMBER_IN_USE);
            case BUSY -> {
                // nothing of this change may be kept: the user's attributes and the app's rows roll back together
                context.getSession().getTransactionManager().setRollbackOnly();
                dialog.restart(DialogMessages.SERVICE_UNAVAILABLE);
            }
        }
    }

    private PhoneDialog dialog(RequiredActionContext context, VerifyPhoneSettings settings) {
        SmsLoginConfig codes = settings.codes();
        return new PhoneDialog(DialogStep.of(context),
                codes.dialogSettings(sendLimits.of(context.getRealm(), VerifyPhoneNumberActionFactory.PROVIDER_ID, codes)),
                DialogPurpose.VERIFY_NUMBER, CodeSecrets.hasher(context.getSession(), context.getRealm()), metrics);
    }

    private static VerifyPhoneSettings settings(RequiredActionContext context) {
        try {
            return VerifyPhoneSettings.from(context.getConfig());
        } catch (SmsLoginConfig.InvalidConfigException e) {
            LOG.errorf("verify-phone-number: the required action's settings in realm '%s' are invalid: %s",
                    context.getRealm().getName(), e.getMessage());
            context.challenge(context.form().setError(DialogMessages.MISCONFIGURED)
                    .createErrorPage(Response.Status.INTERNAL_SERVER_ERROR));
            return null;
        }
    }

    private static boolean startedByApplication(RequiredActionContext context) {
        return VerifyPhoneNumberActionFactory.PROVIDER_ID.equals(context.getAuthenticationSession().getClientNote(Constants.KC_ACTION));
    }

    @Override
    public void close() {
    }
}
