package dev.smslogin.it;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What remains of the tests' hand-written admin REST client: the JSON mapper and the URL encoding that the tests' own
 * HTTP calls share (the browser, the native app, the account REST API). The admin calls go through Keycloak's admin
 * client ({@link KeycloakServer#adminClient()}, {@link AdminSteps}); the name stays so that the many places using
 * these two keep compiling as they are.
 */
public final class KeycloakAdmin {

    public static final ObjectMapper JSON = new ObjectMapper();

    private KeycloakAdmin() {
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
