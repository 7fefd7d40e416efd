package dev.smslogin.login;

import dev.smslogin.account.PhoneHolder;
import dev.smslogin.account.PhoneSignIn;
import dev.smslogin.account.PhoneUsers;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phonedialog.DialogMessages;
import dev.smslogin.phonedialog.DialogPurpose;
import dev.smslogin.phonedialog.PhoneDialog;
import dev.smslogin.settings.FlowDialogs;
import dev.smslogin.settings.NumberFirstStep;
import dev.smslogin.settings.SmsLoginConfig;
import dev.smslogin.userprofile.PhoneAttributesDeclaration;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The whole SMS login step: a {@link PhoneDialog} proves the number, then the user holding it logs in, or a new
 * one signs up ({@link PhoneSignIn}). The pages depend only on what the code store says, so registered and unknown numbers look alike at
 * every step; only a wrong guess at a live code counts in Keycloak's brute-force protection, against the number's
 * single verified holder (never a guess when there is no code, nor at a locked number).
 */
final class SmsLoginAuthenticator implements NumberFirstStep {

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
        PhoneHolder holder = PhoneUsers.find(context.getSession(), context.getRealm(), typed.phone(), config.usernameFormat());
        if (!typed.valid()) {
            dialog.showWrongCode(typed, PhoneSignIn.wrongCode(context, holder, typed));
            return;
        }
        PhoneNumber phone = typed.phone();
        switch (PhoneSignIn.proven(context, config, phone, holder)) {
            case LOGGED_IN -> dialog.forget();
            case NO_ACCOUNT -> dialog.showCodePage(phone, DialogMessages.NO_ACCOUNT);
            case ACCOUNT_DISABLED -> dialog.showCodePage(phone, DialogMessages.ACCOUNT_DISABLED);
            case ACCOUNT_LOCKED -> dialog.showCodePage(phone, DialogMessages.ACCOUNT_LOCKED);
            case ACCOUNT_CONFLICT -> dialog.restart(DialogMessages.PHONE_ACCOUNT_CONFLICT);
            case UNAVAILABLE -> dialog.restart(DialogMessages.SERVICE_UNAVAILABLE);
        }
    }
}
