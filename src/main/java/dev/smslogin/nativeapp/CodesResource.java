package dev.smslogin.nativeapp;

import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.settings.RealmSendLimits;
import dev.smslogin.settings.SmsLoginConfig;
import dev.smslogin.settings.SmsLoginConfigCache;
import dev.smslogin.spi.KeycloakRelease;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.cors.Cors;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code POST /realms/{realm}/sms-login/codes}: sends a code to a phone number for a native app, which then gets
 * tokens with it at the token endpoint ({@code grant_type=password}, {@code phone_number}, {@code code}) through
 * the {@code sms-login-direct-grant} step. Form or JSON body; CORS for the client's web origins.
 */
public final class CodesResource {

    private static final Logger LOG = Logger.getLogger(CodesResource.class);

    private final KeycloakSession session;
    private final SmsLoginConfigCache configs;
    private final RealmSendLimits sendLimits;

    CodesResource(KeycloakSession session, SmsLoginConfigCache configs, RealmSendLimits sendLimits) {
        this.session = session;
        this.configs = configs;
        this.sendLimits = sendLimits;
    }

    @POST
    @Path("codes")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response sendForm() {
        Map<String, String> fields = new HashMap<>();
        session.getContext().getHttpRequest().getDecodedFormParameters()
                .forEach((name, values) -> fields.put(name, values.isEmpty() ? null : values.get(0)));
        return send(fields);
    }

    @POST
    @Path("codes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response sendJson(Map<String, Object> body) {
        Map<String, String> fields = new HashMap<>();
        if (body != null) {
            body.forEach((name, value) -> fields.put(name, value == null || value instanceof Map || value instanceof Iterable
                    ? null : value.toString()));
        }
        return send(fields);
    }

    /** CORS preflight, as the token endpoint answers it; the POST itself is answered for the client's web origins only. */
    @OPTIONS
    @Path("codes")
    public Response preflight() {
        return Cors.builder().auth().preflight().allowedMethods("POST", "OPTIONS").add(Response.ok());
    }

    /**
     * The one answer to every client the API does not serve; the cause goes to the log and, unless Keycloak's client
     * authentication recorded its own, to a {@code CLIENT_LOGIN_ERROR} event with the detail {@code reason}.
     */
    private Response refused(RealmModel realm, NativeAppClient.Refused refusal) {
        ClientModel client = refusal.client();
        LOG.debugf("SMS login API: invalid_client (%s), client '%s' of realm '%s'; no code sent", refusal.reason(),
                client == null ? "-" : client.getClientId(), realm.getName());
        if (!NativeAppClient.CLIENT_AUTHENTICATION_FAILED.equals(refusal.reason())) {
            EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection()).event(EventType.CLIENT_LOGIN);
            if (client != null) {
                event.client(client);
            }
            event.detail(Details.REASON, refusal.reason()).error(Errors.INVALID_CLIENT);
        }
        return OAuthAnswers.invalidClient();
    }

    private Response send(Map<String, String> fields) {
        RealmModel realm = session.getContext().getRealm();
        Cors cors = Cors.builder().auth().allowedMethods("POST").exposedHeaders("Retry-After");
        NativeAppClient allowed;
        try {
            allowed = NativeAppClient.of(session, realm, fields.get(NativeAppFields.CLIENT_ID));
        } catch (NativeAppClient.Refused e) {
            return refused(realm, e);
        }
        KeycloakRelease.allowedOrigins(cors, session, allowed.client());
        SmsLoginConfig config;
        try {
            config = configs.get(allowed.flow().config());
        } catch (SmsLoginConfig.InvalidConfigException e) {
            LOG.errorf("SMS login API: the sms-login-direct-grant settings in realm '%s' are invalid: %s", realm.getName(), e.getMessage());
            return cors.add(OAuthAnswers.error(Response.Status.INTERNAL_SERVER_ERROR, OAuthAnswers.SERVER_ERROR,
                    "The sms-login-direct-grant step is misconfigured."));
        }
        return cors.add(new CodeSend(session, realm, sendLimits, SmsLoginMetrics.global())
                .send(allowed.client(), allowed.flow().execution().getId(), config, fields));
    }
}
