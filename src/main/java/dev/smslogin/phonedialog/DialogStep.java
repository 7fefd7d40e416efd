package dev.smslogin.phonedialog;

import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.events.EventBuilder;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/** The Keycloak step a phone dialog runs in: an authenticator of a flow, or a required action. */
public interface DialogStep {

    KeycloakSession session();

    RealmModel realm();

    /** The user, once known (always in a required action); null at the start of a login. */
    UserModel user();

    AuthenticationSessionModel authSession();

    HttpRequest request();

    String remoteAddress();

    EventBuilder event();

    /** A new page of the step, its form posting back to it. */
    LoginFormsProvider form();

    /** Shows {@code page} and waits for the user's answer. */
    void challenge(Response page);

    /**
     * Shows {@code page} after a failed attempt: a flow counts it as failed (for Keycloak's brute-force protection,
     * when the flow set the user), a required action just shows it.
     */
    void failureChallenge(Response page);

    static DialogStep of(AuthenticationFlowContext context) {
        return new DialogStep() {
            public KeycloakSession session() { return context.getSession(); }
            public RealmModel realm() { return context.getRealm(); }
            public UserModel user() { return context.getUser(); }
            public AuthenticationSessionModel authSession() { return context.getAuthenticationSession(); }
            public HttpRequest request() { return context.getHttpRequest(); }
            public String remoteAddress() { return context.getConnection().getRemoteAddr(); }
            public EventBuilder event() { return context.getEvent(); }
            public LoginFormsProvider form() { return context.form(); }
            public void challenge(Response page) { context.challenge(page); }
            public void failureChallenge(Response page) {
                context.failureChallenge(org.keycloak.authentication.AuthenticationFlowError.INVALID_CREDENTIALS, page);
            }
        };
    }

    static DialogStep of(RequiredActionContext context) {
        return new DialogStep() {
            public KeycloakSession session() { return context.getSession(); }
            public RealmModel realm() { return context.getRealm(); }
            public UserModel user() { return context.getUser(); }
            public AuthenticationSessionModel authSession() { return context.getAuthenticationSession(); }
            public HttpRequest request() { return context.getHttpRequest(); }
            public String remoteAddress() { return context.getConnection().getRemoteAddr(); }
            public EventBuilder event() { return context.getEvent(); }
            public LoginFormsProvider form() { return context.form(); }
            public void challenge(Response page) { context.challenge(page); }
            public void failureChallenge(Response page) { context.challenge(page); }
        };
    }
}
