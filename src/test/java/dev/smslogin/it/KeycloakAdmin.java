package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Keycloak's admin REST API, as the tests' admin uses it. */
public final class KeycloakAdmin {

    public static final ObjectMapper JSON = new ObjectMapper();
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public KeycloakAdmin(KeycloakServer server) {
        this(server.baseUrl());
    }

    public KeycloakAdmin(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The example realm of {@code examples/realm-sms-demo.json}, under a new name, with the SMS steps' settings overridden. */
    public String createRealm(Map<String, String> smsSettings) {
        return createRealm(smsSettings, Map.of());
    }

    /** As {@link #createRealm(Map)}, with realm settings (top-level keys of the realm representation) overridden too. */
    public String createRealm(Map<String, String> smsSettings, Map<String, Object> realmSettings) {
        try {
            ObjectNode realm = (ObjectNode) JSON.readTree(Files.readString(Path.of("examples/realm-sms-demo.json")));
            String name = "it-" + UUID.randomUUID().toString().substring(0, 8);
            realm.put("realm", name);
            // the settings of every SMS step: the login page's, and the native-app direct grant's
            for (JsonNode step : realm.get("authenticatorConfig")) {
                smsSettings.forEach(((ObjectNode) step.get("config"))::put);
            }
            realmSettings.forEach((key, value) -> realm.set(key, JSON.valueToTree(value)));
            send("POST", "/admin/realms", JSON.writeValueAsString(realm), 201);
            return name;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A public client (PKCE) of {@link Browser#REDIRECT_URI} whose browser flow is the realm's flow {@code flowAlias}. */
    public void createClient(String realm, String clientId, String flowAlias) {
        String flowId = null;
        for (JsonNode flow : get("/admin/realms/" + realm + "/authentication/flows")) {
            if (flow.get("alias").asText().equals(flowAlias)) {
                flowId = flow.get("id").asText();
            }
        }
        if (flowId == null) {
            throw new IllegalStateException("no flow " + flowAlias);
        }
        send("POST", "/admin/realms/" + realm + "/clients", String.format(java.util.Locale.ROOT,
                "{\"clientId\":\"%s\",\"publicClient\":true,\"standardFlowEnabled\":true,\"redirectUris\":[\"%s\"],"
                        + "\"attributes\":{\"pkce.code.challenge.method\":\"S256\"},"
                        + "\"authenticationFlowBindingOverrides\":{\"browser\":\"%s\"}}",
                clientId, Browser.REDIRECT_URI, flowId), 201);
    }

    /** The id of the realm's flow {@code alias}. */
    public String flowId(String realm, String alias) {
        for (JsonNode flow : get("/admin/realms/" + realm + "/authentication/flows")) {
            if (flow.get("alias").asText().equals(alias)) {
                return flow.get("id").asText();
            }
        }
        throw new IllegalStateException("no flow " + alias);
    }

    public void deleteRealm(String realm) {
        send("DELETE", "/admin/realms/" + realm, null, 204);
    }

    public List<JsonNode> usersWithPhone(String realm, String e164) {
        JsonNode users = get("/admin/realms/" + realm + "/users?briefRepresentation=false&q=" + encode("phoneNumber:" + e164));
        List<JsonNode> result = new ArrayList<>();
        users.forEach(result::add);
        return result;
    }

    public JsonNode user(String realm, String id) {
        return get("/admin/realms/" + realm + "/users/" + id);
    }

    public String createUser(String realm, String username, Map<String, String> attributes) {
        ObjectNode user = JSON.createObjectNode();
        user.put("username", username);
        user.put("enabled", true);
        ObjectNode attrs = user.putObject("attributes");
        attributes.forEach((k, v) -> attrs.putArray(k).add(v));
        HttpResponse<String> response = send("POST", "/admin/realms/" + realm + "/users", user.toString(), 201);
        String location = response.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    public void disableUser(String realm, String id) {
        send("PUT", "/admin/realms/" + realm + "/users/" + id, "{\"enabled\":false}", 204);
    }

    public List<JsonNode> events(String realm, String type) {
        JsonNode events = get("/admin/realms/" + realm + "/events?max=1000&type=" + type);
        List<JsonNode> result = new ArrayList<>();
        events.forEach(result::add);
        return result;
    }

    public JsonNode attackDetection(String realm, String userId) {
        return get("/admin/realms/" + realm + "/attack-detection/brute-force/users/" + userId);
    }

    public JsonNode get(String path) {
        try {
            return JSON.readTree(send("GET", path, null, 200).body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> send(String method, String path, String json, int expectedStatus) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token())
                    .header("Content-Type", "application/json");
            request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expectedStatus) {
                throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String token() throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=admin-cli&username=" + KeycloakServer.ADMIN + "&password=" + encode(KeycloakServer.ADMIN_PASSWORD);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).get("access_token").asText();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
