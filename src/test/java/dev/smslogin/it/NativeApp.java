package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;

/** What a native app does with the SMS code API: two HTTP calls, send a code and get tokens with it. */
final class NativeApp {

    /** The example realm's client set up for the API (public, direct access grants, the "sms direct grant" flow). */
    static final String CLIENT_ID = "demo-native-app";

    private final String baseUrl;
    private final String realm;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    NativeApp(KeycloakServer server, String realm) {
        this(server.baseUrl(), realm);
    }

    NativeApp(String baseUrl, String realm) {
        this.baseUrl = baseUrl;
        this.realm = realm;
    }

    /** A JSON answer: status, headers and body. */
    record Answer(int status, JsonNode json, HttpResponse<String> response) {
        String error() {
            return json.path("error").asText(null);
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    String codesUrl() {
        return baseUrl + "/realms/" + realm + "/sms-login/codes";
    }

    Answer sendCode(String national) {
        return sendCode(CLIENT_ID, national);
    }

    Answer sendCode(String clientId, String national) {
        return post(codesUrl(), form("client_id", clientId, "phone_number", national), Map.of());
    }

    Answer sendCodeJson(String clientId, String national) {
        String json = "{\"client_id\":\"" + clientId + "\",\"phone_number\":\"" + national + "\"}";
        return send(HttpRequest.newBuilder(URI.create(codesUrl())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Answer token(String national, String code) {
        return token(CLIENT_ID, national, code);
    }

    Answer token(String clientId, String national, String code) {
        return post(tokenUrl(), form("grant_type", "password", "client_id", clientId, "scope", "openid", "phone_number", national,
                "code", code), Map.of());
    }

    Answer passwordToken(String clientId, String username, String password) {
        return post(tokenUrl(), form("grant_type", "password", "client_id", clientId, "username", username, "password", password),
                Map.of());
    }

    String tokenUrl() {
        return baseUrl + "/realms/" + realm + "/protocol/openid-connect/token";
    }

    Answer post(String url, String form, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        headers.forEach(request::header);
        return send(request);
    }

    Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? KeycloakAdmin.JSON.createObjectNode() : KeycloakAdmin.JSON.readTree(response.body());
            return new Answer(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String form(String... namesAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return values.entrySet().stream().map(e -> KeycloakAdmin.encode(e.getKey()) + "=" + KeycloakAdmin.encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((KeycloakAdmin.encode(clientId) + ":" + KeycloakAdmin.encode(secret)).getBytes(UTF_8));
    }

    /** The claims of the answer's ID token. */
    static JsonNode idToken(Answer tokens) {
        return UserSteps.idToken(tokens.json());
    }
}
