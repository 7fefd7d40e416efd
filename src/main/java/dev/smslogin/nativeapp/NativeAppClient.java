package dev.smslogin.nativeapp;

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
 * HTTP Basic, signed JWT, mTLS), whose failures answer as at the token endpoint. Then it must be allowed to use
 * the API: direct access grants on, and an {@code sms-login-direct-grant} step in its direct-grant flow.
 */
record NativeAppClient(ClientModel client, NativeAppFlow flow) {

    /** The client may not ask for codes here: answered {@code 400 invalid_client} with a description for its developer. */
    static final class Refused extends Exception {
        Refused(String description) {
            super(description, null, false, false);
        }
    }

    static NativeAppClient of(KeycloakSession session, RealmModel realm, String clientId, Cors cors) throws Refused {
        ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
        if (clientId != null && (client == null || !client.isEnabled())) {
            throw new Refused("Unknown or disabled client.");
        }
        if (client == null || !client.isPublicClient()) {
            client = authenticated(session, realm, client, cors);
        }
        if (client.getProtocol() != null && !OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol())) {
            throw new Refused("The client cannot use the SMS code API: it is not an OpenID Connect client.");
        }
        if (!client.isDirectAccessGrantsEnabled()) {
            throw new Refused("The client cannot use the SMS code API: its 'Direct access grants' are off.");
        }
        ClientModel allowed = client;
        return NativeAppFlow.of(realm, allowed).map(flow -> new NativeAppClient(allowed, flow))
                .orElseThrow(() -> new Refused("The client cannot use the SMS code API: its direct-grant flow has no enabled "
                        + SmsDirectGrantAuthenticatorFactory.PROVIDER_ID + " step."));
    }

    /**
     * A confidential client (or one named only in an {@code Authorization} header) proves who it is with
     * Keycloak's client authentication, as at the token endpoint; its failures are thrown as the token endpoint's.
     */
    private static ClientModel authenticated(KeycloakSession session, RealmModel realm, ClientModel named, Cors cors) throws Refused {
        if (named == null && session.getContext().getRequestHeaders().getHeaderString(HttpHeaders.AUTHORIZATION) == null) {
            throw new Refused("Missing parameter: client_id.");
        }
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection()).event(EventType.CLIENT_LOGIN);
        // throws the token endpoint's answer (401 invalid_client, unauthorized_client) when the credentials fail
        ClientModel authenticated = AuthorizeClientUtil.authorizeClient(session, event, cors).getClient();
        if (named != null && !named.getId().equals(authenticated.getId())) {
            throw new Refused("client_id names another client than the credentials.");
        }
        return authenticated;
    }
}
