package dev.smslogin.account;

import org.keycloak.authentication.AuthenticationFlowCallback;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/**
 * One Keycloak session's instance of a step that signs users in with a proven number ({@code sms-login},
 * {@code sms-login-direct-grant}): the step itself, shared by all sessions, plus Keycloak's call at the end of a
 * successful login ({@link AuthenticationFlowCallback#onTopFlowSuccess}), which {@link PhoneSignIn} asks for when the
 * code was right. There the user's counted login failures are cleared ({@link PhoneSignIn#loginCompleted}).
 */
public final class SignInStep implements AuthenticationFlowCallback {

    private final Authenticator step;
    private final KeycloakSession session;

    public SignInStep(Authenticator step, KeycloakSession session) {
        this.step = step;
        this.session = session;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        step.authenticate(context);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        step.action(context);
    }

    @Override
    public boolean requiresUser() {
        return step.requiresUser();
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return step.configuredFor(session, realm, user);
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        step.setRequiredActions(session, realm, user);
    }

    @Override
    public List<RequiredActionFactory> getRequiredActions(KeycloakSession session) {
        return step.getRequiredActions(session);
    }

    @Override
    public boolean areRequiredActionsEnabled(KeycloakSession session, RealmModel realm) {
        return step.areRequiredActionsEnabled(session, realm);
    }

    /**
     * Not called: Keycloak calls it only for steps whose factory is an {@code AuthenticationFlowCallbackFactory}, and
     * what matters here is the end of the whole login, not of the step's subflow.
     */
    @Override
    public void onParentFlowSuccess(AuthenticationFlowContext context) {
    }

    @Override
    public void onTopFlowSuccess(AuthenticationFlowModel topFlow) {
        PhoneSignIn.loginCompleted(session);
    }

    @Override
    public void close() {
        step.close();
    }
}
