package dev.smslogin.secondfactor;

import dev.smslogin.credential.PhoneNumberCredentialProvider;
import dev.smslogin.credential.SmsOtpCredentialProvider;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phonedialog.DialogMessages;
import dev.smslogin.phonedialog.PhoneDialog;
import dev.smslogin.realm.PhoneSteps;
import dev.smslogin.settings.FlowDialogs;
import dev.smslogin.settings.SmsLoginConfig;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.CredentialValidator;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;

import java.util.List;

/**
 * The SMS second factor: once the user is known, a code goes to the account's verified number (masked on the page,
 * no way to pick another), and the right code completes the step. Wrong codes count in Keycloak's brute-force
 * protection. A user without a verified number is not "configured": a REQUIRED step gives them
 * {@code verify-phone-number}, an ALTERNATIVE one is not offered.
 */
final class SmsOtpAuthenticator implements Authenticator, CredentialValidator<SmsOtpCredentialProvider> {

    private final FlowDialogs dialogs;

    SmsOtpAuthenticator(FlowDialogs dialogs) {
        this.dialogs = dialogs;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        SmsLoginConfig config = dialogs.config(context);
        PhoneNumber number = PhoneNumberCredentialProvider.verifiedNumber(context.getUser());
        if (config == null) {
            return;
        }
        if (number == null) {
            context.attempted();  // not set up: another step of the flow decides
            return;
        }
        dialogs.dialog(context, config).begin(number);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        SmsLoginConfig config = dialogs.config(context);
        PhoneNumber number = PhoneNumberCredentialProvider.verifiedNumber(context.getUser());
        if (config == null) {
            return;
        }
        if (number == null) {
            context.attempted();
            return;
        }
        PhoneDialog dialog = dialogs.dialog(context, config);
        if (!number.equals(dialog.phone())) {
            dialog.forget();  // no code in progress, or one to a number the account no longer has
            dialog.begin(number);
            return;
        }
        PhoneDialog.TypedCode typed = dialog.act();
        if (typed == null) {
            return;
        }
        UserModel user = context.getUser();
        context.getEvent().user(user);
        if (!typed.valid()) {
            dialog.showWrongCode(typed, Errors.INVALID_USER_CREDENTIALS);
            return;
        }
        String locked = AuthenticatorUtils.getDisabledByBruteForceEventError(context, user);
        if (locked != null) {
            context.getEvent().detail(PhoneDialog.EVENT_DETAIL_PHONE, number.masked()).error(locked);
            dialog.showCodePage(number, DialogMessages.ACCOUNT_LOCKED);
            return;
        }
        dialog.forget();
        context.getEvent().detail(PhoneDialog.EVENT_DETAIL_PHONE, number.masked());
        // an "otp" success makes Keycloak's brute-force protection clear the wrong codes counted so far
        context.success(OTPCredentialModel.TYPE);
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return PhoneNumberCredentialProvider.verifiedNumber(user) != null;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        if (user.getRequiredActionsStream().noneMatch(PhoneSteps.VERIFY_PHONE_NUMBER::equals)) {
            user.addRequiredAction(PhoneSteps.VERIFY_PHONE_NUMBER);
        }
    }

    @Override
    public List<RequiredActionFactory> getRequiredActions(KeycloakSession session) {
        return List.of((RequiredActionFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(RequiredActionProvider.class, PhoneSteps.VERIFY_PHONE_NUMBER));
    }

    @Override
    public SmsOtpCredentialProvider getCredentialProvider(KeycloakSession session) {
        return (SmsOtpCredentialProvider) session.getProvider(CredentialProvider.class, SmsOtpCredentialProvider.TYPE);
    }

    /** What a user of the factor holds: the verified number's marker ("Try another way" lists it by this type). */
    @Override
    public String getType(KeycloakSession session) {
        return PhoneNumberCredentialProvider.TYPE;
    }

    @Override
    public void close() {
    }
}
