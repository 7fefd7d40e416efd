package dev.smslogin.phonedialog;

import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.events.EventBuilder;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Keycloak step a phone dialog runs in: an authenticator of a flow, or a required action. Both give the same
 * things under other names; this is what the dialog reads of them.
 *
 * @param user             the user, once known (always in a required action; null at the start of a login)
 * @param form             a new page of the step, its form posting back to it
 * @param challenge        shows a page and waits for the user's answer
 * @param failureChallenge shows a page after a failed attempt: a flow counts it as failed (for Keycloak's brute-force
 *                         protection, when the flow set the user), a required action just shows it
 */
public record DialogStep(KeycloakSession session, RealmModel realm, Supplier<UserModel> user, AuthenticationSessionModel authSession,
                         HttpRequest request, String remoteAddress, EventBuilder event, Supplier<LoginFormsProvider> form,
                         Consumer<Response> challenge, Consumer<Response> failureChallenge) {

    public static DialogStep of(AuthenticationFlowContext context) {
        return new DialogStep(context.getSession(), context.getRealm(), context::getUser, context.getAuthenticationSession(),
                context.getHttpRequest(), context.getConnection().getRemoteAddr(), context.getEvent(), context::form,
                context::challenge, page -> context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS, page));
    }

    public static DialogStep of(RequiredActionContext context) {
        return new DialogStep(context.getSession(), context.getRealm(), context::getUser, context.getAuthenticationSession(),
                context.getHttpRequest(), context.getConnection().getRemoteAddr(), context.getEvent(), context::form,
                context::challenge, context::challenge);
    }

    UserModel currentUser() {
        return user.get();
    }

    LoginFormsProvider newForm() {
        return form.get();
    }

    void show(Response page) {
        challenge.accept(page);
    }

    void showFailure(Response page) {
        failureChallenge.accept(page);
    }
}
