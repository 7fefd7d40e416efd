package dev.smslogin.nativeapp;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON answers of the native-app API, in the form of OAuth 2.0 error responses (RFC 6749 section 5.2). */
final class OAuthAnswers {

    static final String INVALID_REQUEST = "invalid_request";
    static final String INVALID_CLIENT = "invalid_client";
    static final String INVALID_GRANT = "invalid_grant";
    static final String INVALID_PHONE_NUMBER = "invalid_phone_number";
    static final String SLOW_DOWN = "slow_down";
    static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";
    static final String SERVER_ERROR = "server_error";
    /** The flow's human check became due for this number or client (humanCheckAfterSends) and the request lacks a passed one. */
    static final String HUMAN_CHECK_REQUIRED = "human_check_required";

    private OAuthAnswers() {
    }

    static Response.ResponseBuilder error(Response.Status status, String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        if (description != null) {
            body.put("error_description", description);
        }
        return json(status, body);
    }

    /** 429: cooldown, every send cap and the provider's own limit answer alike, so the answer reveals no limit. */
    static Response.ResponseBuilder slowDown(long retryAfterSeconds) {
        return slowDown(retryAfterSeconds, "Too many codes were asked for; try again after retry_after seconds.");
    }

    static Response.ResponseBuilder slowDown(long retryAfterSeconds, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", SLOW_DOWN);
        body.put("error_description", description);
        body.put("retry_after", retryAfterSeconds);
        return json(Response.Status.TOO_MANY_REQUESTS, body).header("Retry-After", String.valueOf(retryAfterSeconds));
    }

    /**
     * The one answer to a client the API does not serve, whatever the cause (unknown, disabled, not allowed, failed
     * authentication, Keycloak's own clients): status, headers and body never tell the causes apart, so that the
     * API cannot be used to list a realm's client ids and their settings. The cause goes to the event and the log.
     */
    static Response invalidClient() {
        return error(Response.Status.BAD_REQUEST, INVALID_CLIENT, "The client cannot use sign-in by SMS code: check client_id "
                + "and the client's credentials, and that the client is an enabled OpenID Connect client with direct access "
                + "grants whose direct-grant flow has the sms-login-direct-grant step.").build();
    }

    static Response.ResponseBuilder unavailable() {
        return error(Response.Status.SERVICE_UNAVAILABLE, TEMPORARILY_UNAVAILABLE, "Sign-in by text message is temporarily unavailable; try again in a moment.");
    }

    static Response.ResponseBuilder json(Response.Status status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body)
                .header("Cache-Control", "no-store").header("Pragma", "no-cache");
    }
}
