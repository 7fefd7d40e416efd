package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smslogin.it.NativeApp.Answer;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.TestDatabase;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Users never write {@code phoneNumber}, {@code phoneNumberVerified} or {@code appUserId} on their own account (the
 * account REST API, as the account console and any app with the user's token use it), whichever SMS step a realm
 * uses and whatever its unmanaged-attribute policy; admins still can.
 */
class UserProfileIT {

    private static final List<String> PHONE_ATTRIBUTES = List.of("phoneNumber", "phoneNumberVerified", "appUserId");
    private static final String PASSWORD = "it-" + UUID.randomUUID();
    private static final String CLIENT = "it-account-user";

    static KeycloakServer server;
    static KeycloakAdmin admin;
    static FakeAliyunSms aliyun;
    static TestDatabase app;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = new KeycloakAdmin(server);
        aliyun = server.aliyun();
        app = server.appDatabase();
    }

    @ParameterizedTest(name = "{0} added to a running realm whose unmanaged-attribute policy is {1}")
    @CsvSource({
            "sms-otp, ENABLED",
            "sms-otp, DISABLED",
            "sms-otp, ADMIN_VIEW",
            "sms-otp, ADMIN_EDIT",
            "sms-reset-credentials, ENABLED",
            "sms-login-direct-grant, ENABLED",
            "verify-phone-number, ENABLED"})
    @DisplayName("a realm that starts using one SMS step (no sms-login, no restart, no SMS page yet): at once, users cannot "
            + "set the phone attributes through the account API; admins can")
    void stepAddedAtRuntime(String step, String policy) throws Exception {
        String realm = "it-" + UUID.randomUUID().toString().substring(0, 8);
        admin.send("POST", "/admin/realms", "{\"realm\":\"" + realm + "\",\"enabled\":true}", 201);
        try {
            ObjectNode profile = (ObjectNode) admin.get("/admin/realms/" + realm + "/users/profile");
            if (policy.equals("DISABLED")) {
                profile.remove("unmanagedAttributePolicy");
            } else {
                profile.put("unmanagedAttributePolicy", policy);
            }
            admin.send("PUT", "/admin/realms/" + realm + "/users/profile", profile.toString(), 200);
            admin.send("POST", "/admin/realms/" + realm + "/clients", "{\"clientId\":\"" + CLIENT + "\",\"publicClient\":true,"
                    + "\"standardFlowEnabled\":false,\"directAccessGrantsEnabled\":true}", 201);
            String userId = passwordUser(realm, "pat");
            assertThat(PHONE_ATTRIBUTES.stream().map(declaredIn(realm)::get)).as("a realm without SMS steps is left alone")
                    .containsOnlyNulls();

            // the admin starts using the step, as the admin console does it
            if (step.equals("verify-phone-number")) {
                admin.send("POST", "/admin/realms/" + realm + "/authentication/register-required-action",
                        "{\"providerId\":\"verify-phone-number\",\"name\":\"Verify phone number\"}", 204);
            } else {
                admin.send("POST", "/admin/realms/" + realm + "/authentication/flows", "{\"alias\":\"with " + step
                        + "\",\"providerId\":\"basic-flow\",\"topLevel\":true,\"builtIn\":false,\"description\":\"\"}", 201);
                admin.send("POST", "/admin/realms/" + realm + "/authentication/flows/" + KeycloakAdmin.encode("with " + step).replace("+", "%20")
                        + "/executions/execution", "{\"provider\":\"" + step + "\"}", 201);
            }

            String token = new NativeApp(server, realm).passwordToken(CLIENT, "pat", PASSWORD).json().get("access_token").asText();
            Map<String, String> attempts = Map.of("phoneNumber", Phones.e164(Phones.newNational()), "phoneNumberVerified", "true",
                    "appUserId", "424242");
            for (Map.Entry<String, String> attempt : attempts.entrySet()) {
                HttpResponse<String> answer = setOwnAttribute(realm, token, attempt.getKey(), attempt.getValue());
                assertThat(answer.statusCode()).as("the user's own %s: %s", attempt.getKey(), answer.body()).isEqualTo(400);
                assertThat(answer.body()).contains(attempt.getKey());
            }
            assertThat(names(attributes(realm, userId))).as("nothing stored").doesNotContainAnyElementsOf(PHONE_ATTRIBUTES);

            Map<String, JsonNode> declared = declaredIn(realm);
            for (String name : PHONE_ATTRIBUTES) {
                assertThat(declared.get(name)).as("%s declared at once, visible to admins", name).isNotNull();
                assertThat(declared.get(name).at("/permissions/edit").toString()).as(name).isEqualTo("[\"admin\"]");
            }

            // the admin still edits them: a number, then (a later edit) the admin vouches for it
            String number = Phones.e164(Phones.newNational());
            adminSets(realm, userId, Map.of("phoneNumber", number));
            adminSets(realm, userId, Map.of("phoneNumberVerified", "true"));
            assertThat(attributes(realm, userId).get("phoneNumber").get(0).asText()).isEqualTo(number);
            assertThat(attributes(realm, userId).get("phoneNumberVerified").get(0).asText()).isEqualTo("true");
        } finally {
            admin.deleteRealm(realm);
        }
    }

    @Test
    @DisplayName("sms-login realm, unmanaged policy Enabled, an admin's profile that drops the phone attributes, lets users edit the "
            + "number and shows one only for a scope: fixed at once; the user's own writes are refused, and the next SMS login "
            + "leaves another app user's row where it is")
    void adminProfileThatOpensThePhoneAttributes() throws Exception {
        String realm = admin.createRealm(Map.of("resendCooldownSeconds", "1", "maxSendsPerIpPerHour", "1000"));
        try {
            // another person's app account, with its phone row
            String victimNumber = Phones.e164(Phones.newNational());
            app.execute("INSERT INTO `user` (name, age) VALUES ('victim', 40)");
            long victim = app.count("SELECT MAX(id) FROM `user`");
            app.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + victim + ", 'P', '" + victimNumber + "')");

            // the attacker signs up with their own number through the native-app API
            NativeApp api = new NativeApp(server, realm);
            String national = Phones.newNational();
            String own = Phones.e164(national);
            Answer tokens = smsLogin(api, national);
            String userId = NativeApp.idToken(tokens).get("sub").asText();
            String ownAppUser = attributes(realm, userId).get("appUserId").get(0).asText();
            assertThat(ownAppUser).isNotEqualTo(String.valueOf(victim));

            // an admin's profile: unmanaged attributes Enabled, phoneNumber editable by users, phoneNumberVerified
            // declared for the 'address' scope only (one the user's token does not carry), appUserId not declared
            ObjectNode profile = (ObjectNode) admin.get("/admin/realms/" + realm + "/users/profile");
            profile.put("unmanagedAttributePolicy", "ENABLED");
            ArrayNode declared = profile.withArray("attributes");
            for (int i = declared.size() - 1; i >= 0; i--) {
                ObjectNode attribute = (ObjectNode) declared.get(i);
                switch (attribute.get("name").asText()) {
                    case "phoneNumber" -> attribute.withObject("/permissions").putArray("edit").add("admin").add("user");
                    case "phoneNumberVerified" -> attribute.putObject("selector").putArray("scopes").add("address");
                    case "appUserId" -> declared.remove(i);
                    default -> {
                    }
                }
            }
            HttpResponse<String> saved = admin.send("PUT", "/admin/realms/" + realm + "/users/profile", profile.toString(), 200);
            JsonNode answered = KeycloakAdmin.JSON.readTree(saved.body());

            // the attacker gives their account the victim's app user and a number of their choosing, and logs in with it
            SoftAssertions softly = new SoftAssertions();
            String token = tokens.json().get("access_token").asText();
            String chosen = Phones.newNational();
            for (Map.Entry<String, String> attempt : List.of(Map.entry("appUserId", String.valueOf(victim)),
                    Map.entry("phoneNumber", Phones.e164(chosen)))) {
                HttpResponse<String> answer = setOwnAttribute(realm, token, attempt.getKey(), attempt.getValue());
                softly.assertThat(answer.statusCode()).as("the user's own %s: %s", attempt.getKey(), answer.body()).isEqualTo(400);
            }
            JsonNode stored = attributes(realm, userId);
            softly.assertThat(stored.at("/appUserId/0").asText()).as("appUserId").isEqualTo(ownAppUser);
            softly.assertThat(stored.at("/phoneNumber/0").asText()).as("phoneNumber").isEqualTo(own);

            Thread.sleep(1100);
            softly.assertThat(api.sendCode(chosen).status()).isEqualTo(200);
            Answer next = api.token(chosen, aliyun.lastCodeTo(chosen));
            softly.assertThat(next.status()).as("the next SMS login: %s", next.json()).isEqualTo(200);
            softly.assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'P' AND identification = '"
                    + victimNumber + "' AND user_id = " + victim)).as("the victim's row, as it was").isEqualTo(1);
            softly.assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE user_id = " + victim)).as("the victim's rows").isEqualTo(1);
            softly.assertThat(app.count("SELECT user_id FROM user_login_method WHERE login_method = 'P' AND identification = '" + own + "'"))
                    .as("the attacker's own row").isEqualTo(Long.parseLong(ownAppUser));

            HttpResponse<String> verified = setOwnAttribute(realm, token, "phoneNumberVerified", "false");
            softly.assertThat(verified.statusCode()).as("the user's own phoneNumberVerified: %s", verified.body()).isEqualTo(400);
            softly.assertThat(attributes(realm, userId).at("/phoneNumberVerified/0").asText()).as("phoneNumberVerified").isEqualTo("true");

            Map<String, JsonNode> now = declaredIn(realm);
            for (String name : PHONE_ATTRIBUTES) {
                softly.assertThat(now.get(name)).as("%s declared", name).isNotNull();
                softly.assertThat(now.get(name) == null ? null : now.get(name).at("/permissions/edit").toString())
                        .as("%s editable by admins only", name).isEqualTo("[\"admin\"]");
                softly.assertThat(now.get(name) != null && !now.get(name).path("selector").isMissingNode() && !now.get(name).get("selector").isNull())
                        .as("%s in every context (no scope selector)", name).isFalse();
            }
            softly.assertThat(now.get("phoneNumber").at("/permissions/view").toString()).as("users still see their number").contains("user");
            softly.assertThat(now.get("phoneNumber").at("/validations").has("sms-login-phone-number")).isTrue();
            JsonNode answeredNumber = null;
            for (JsonNode attribute : answered.get("attributes")) {
                if (attribute.get("name").asText().equals("phoneNumber")) {
                    answeredNumber = attribute;
                }
            }
            softly.assertThat(answeredNumber == null ? null : answeredNumber.at("/permissions/edit").toString()).as("the admin's answer shows the profile in force")
                    .isEqualTo("[\"admin\"]");
            softly.assertThat(answered.get("unmanagedAttributePolicy").asText()).as("the admin's own choices stay").isEqualTo("ENABLED");
            softly.assertAll();

            // admins still edit them
            adminSets(realm, userId, Map.of("phoneNumberVerified", "false"));
            assertThat(attributes(realm, userId).get("phoneNumberVerified").get(0).asText()).isEqualTo("false");
        } finally {
            admin.deleteRealm(realm);
        }
    }

    private static Answer smsLogin(NativeApp api, String national) {
        Answer sent = api.sendCode(national);
        assertThat(sent.status()).as(sent.json().toString()).isEqualTo(200);
        Answer tokens = api.token(national, aliyun.lastCodeTo(national));
        assertThat(tokens.status()).as(tokens.json().toString()).isEqualTo(200);
        return tokens;
    }

    /** A user with a password and what Keycloak's default profile requires. */
    private static String passwordUser(String realm, String username) {
        HttpResponse<String> created = admin.send("POST", "/admin/realms/" + realm + "/users", "{\"username\":\"" + username + "\","
                + "\"enabled\":true,\"email\":\"" + username + "@example.com\",\"emailVerified\":true,\"firstName\":\"Pat\","
                + "\"lastName\":\"User\",\"credentials\":[{\"type\":\"password\",\"value\":\"" + PASSWORD + "\",\"temporary\":false}]}", 201);
        String location = created.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** What the account console does: reads the user's own profile, changes one attribute, sends it back. */
    private HttpResponse<String> setOwnAttribute(String realm, String token, String name, String value) throws IOException, InterruptedException {
        String url = server.baseUrl() + "/realms/" + realm + "/account/";
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        ObjectNode account = (ObjectNode) KeycloakAdmin.JSON.readTree(read.body());
        account.withObject("/attributes").putArray(name).add(value);
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(account.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What the admin console does: the whole user back, with {@code changes} in its attributes. */
    private static void adminSets(String realm, String userId, Map<String, String> changes) {
        ObjectNode user = (ObjectNode) admin.user(realm, userId);
        ObjectNode attributes = user.withObject("/attributes");
        changes.forEach((name, value) -> attributes.putArray(name).add(value));
        admin.send("PUT", "/admin/realms/" + realm + "/users/" + userId, user.toString(), 204);
    }

    private static JsonNode attributes(String realm, String userId) {
        JsonNode attributes = admin.user(realm, userId).get("attributes");
        return attributes == null ? KeycloakAdmin.JSON.createObjectNode() : attributes;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Map<String, JsonNode> declaredIn(String realm) {
        Map<String, JsonNode> byName = new HashMap<>();
        admin.get("/admin/realms/" + realm + "/users/profile").get("attributes")
                .forEach(attribute -> byName.put(attribute.get("name").asText(), attribute));
        return byName;
    }
}
