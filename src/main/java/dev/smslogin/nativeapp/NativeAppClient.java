package dev.smslogin.nativeapp;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.utils.AuthorizeClientUtil;
import org.keycloak.services.cors.Cors;

/**
 * The client a code is asked for, as the token endpoint would know it: a public client by its {@code client_id};
 * a confidential one authenticated with its credentials (Keycloak's client authentication flow: secret in the body or
 * HTTP Basic, signed JWT, mTLS). Then it must be allowed to use the API: enabled, not one of Keycloak's own clients
 * ({@link BuiltInClients}), OpenID Connect, direct access grants on, and an {@code sms-login-direct-grant} step in its
 * direct-grant flow. Every refusal is answered alike ({@link OAuthAnswers#invalidClient}); its cause is for the event
 * and the log only.
 */
record NativeAppClient(ClientModel client, NativeAppFlow flow) {

    /** Why a client may not ask for codes here (a {@link Refused#reason}, for events and logs; never in an answer). */
    static final String CLIENT_NOT_FOUND = "client_not_found";
    static final String CLIENT_ID_MISSING = "client_id_missing";
    static final String CLIENT_DISABLED = "client_disabled";
    static final String BUILT_IN_CLIENT = "built_in_client";
    static final String NOT_OPENID_CONNECT = "not_openid_connect";
    static final String CLIENT_AUTHENTICATION_FAILED = "client_authentication_failed";
    static final String CLIENT_ID_MISMATCH = "client_id_mismatch";
    static final String DIRECT_GRANTS_OFF = "direct_grants_off";
    static final String NO_SMS_DIRECT_GRANT_STEP = "no_sms_direct_grant_step";

    /** The client may not ask for codes here: answered {@link OAuthAnswers#invalidClient}, whatever the reason. */
    static final class Refused extends Exception {
        private final String reason;
        private final ClientModel client;

        Refused(String reason, ClientModel client) {
            super(reason, null, false, false);
            this.reason = reason;
            this.client = client;
        }

        String reason() {
            return reason;
        }

        /** The client the request named or authenticated as, when there is one. */
        ClientModel client() {
            return client;
        }
    }

    static NativeAppClient of(KeycloakSession session, RealmModel realm, String clientId) throws Refused {
        ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
        if (clientId != null && client == null) {
            throw new Refused(CLIENT_NOT_FOUND, null);
        }
        if (client != null) {
            servable(session, client);
        }
        if (client == null || !client.isPublicClient()) {
            client = authenticated(session, realm, client);
            servable(session, client);
        }
        if (!client.isDirectAccessGrantsEnabled()) {
            throw new Refused(DIRECT_GRANTS_OFF, client);
        }
        ClientModel allowed = client;
        return NativeAppFlow.of(realm, allowed).map(flow -> new NativeAppClient(allowed, flow))
                .orElseThrow(() -> new Refused(NO_SMS_DIRECT_GRANT_STEP, allowed));
    }

    /** Refuses a client the API never serves, whatever its settings: disabled, Keycloak's own, not OpenID Connect. */
    private static void servable(KeycloakSession session, ClientModel client) throws Refused {
        if (!client.isEnabled()) {
            throw new Refused(CLIENT_DISABLED, client);
        }
        if (BuiltInClients.isBuiltIn(session, client)) {
            throw new Refused(BUILT_IN_CLIENT, client);
        }
        if (client.getProtocol() != null && !OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol())) {
            throw new Refused(NOT_OPENID_CONNECT, client);
        }
    }

    /**
     * A confidential client (or one named only in an {@code Authorization} header) proves who it is with
     * Keycloak's client authentication, as at the token endpoint, which records its own {@code CLIENT_LOGIN_ERROR}
     * event when the credentials fail; the answer is this API's one refusal, not the token endpoint's.
     */
    private static ClientModel authenticated(KeycloakSession session, RealmModel realm, ClientModel named) throws Refused {
        if (named == null && session.getContext().getRequestHeaders().getHeaderString(HttpHeaders.AUTHORIZATION) == null) {
            throw new Refused(CLIENT_ID_MISSING, null);
        }
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection()).event(EventType.CLIENT_LOGIN);
        ClientModel authenticated;
        try {
            // its own CORS: on a failure Keycloak's client authentication opens it to every origin, which this answer is not
            authenticated = AuthorizeClientUtil.authorizeClient(session, event, Cors.builder().auth().allowedMethods("POST")).getClient();
        } catch (WebApplicationException e) {
            throw new Refused(CLIENT_AUTHENTICATION_FAILED, named);
        }
        if (named != null && !named.getId().equals(authenticated.getId())) {
            throw new Refused(CLIENT_ID_MISMATCH, named);
        }
        return authenticated;
    }
}
