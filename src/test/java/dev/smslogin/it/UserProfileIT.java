package dev.smslogin.it;

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
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPAttributeSelector;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.representations.userprofile.config.UPConfig.UnmanagedAttributePolicy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.createFlow;
import static dev.smslogin.it.AdminSteps.created;
import static dev.smslogin.it.AdminSteps.password;
import static dev.smslogin.it.AdminSteps.registerRequiredAction;
import static dev.smslogin.it.AdminSteps.updateUserProfile;
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
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static TestDatabase app;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = server.adminClient();
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
        RealmRepresentation created = new RealmRepresentation();
        created.setRealm(realm);
        created.setEnabled(true);
        admin.realms().create(created);
        try {
            RealmResource realmAdmin = admin.realm(realm);
            UPConfig profile = realmAdmin.users().userProfile().getConfiguration();
            profile.setUnmanagedAttributePolicy(policy.equals("DISABLED") ? null : UnmanagedAttributePolicy.valueOf(policy));
            realmAdmin.users().userProfile().update(profile);
            ClientRepresentation client = new ClientRepresentation();
            client.setClientId(CLIENT);
            client.setPublicClient(true);
            client.setStandardFlowEnabled(false);
            client.setDirectAccessGrantsEnabled(true);
            created(realmAdmin.clients().create(client));
            String userId = passwordUser(realm, "pat");
            assertThat(PHONE_ATTRIBUTES.stream().map(declaredIn(realm)::get)).as("a realm without SMS steps is left alone")
                    .containsOnlyNulls();

            // the admin starts using the step, as the admin console does it
            if (step.equals("verify-phone-number")) {
                registerRequiredAction(realmAdmin, "verify-phone-number", "Verify phone number");
            } else {
                createFlow(realmAdmin, "with " + step);
                realmAdmin.flows().addExecution("with " + step, Map.of("provider", step));
            }

            String token = new NativeApp(server, realm).passwordToken(CLIENT, "pat", PASSWORD).json().get("access_token").asText();
            Map<String, String> attempts = Map.of("phoneNumber", Phones.e164(Phones.newNational()), "phoneNumberVerified", "true",
                    "appUserId", "424242");
            for (Map.Entry<String, String> attempt : attempts.entrySet()) {
                HttpResponse<String> answer = setOwnAttribute(realm, token, attempt.getKey(), attempt.getValue());
                assertThat(answer.statusCode()).as("the user's own %s: %s", attempt.getKey(), answer.body()).isEqualTo(400);
                assertThat(answer.body()).contains(attempt.getKey());
            }
            assertThat(attributes(realm, userId).keySet()).as("nothing stored").doesNotContainAnyElementsOf(PHONE_ATTRIBUTES);

            Map<String, UPAttribute> declared = declaredIn(realm);
            for (String name : PHONE_ATTRIBUTES) {
                assertThat(declared.get(name)).as("%s declared at once, visible to admins", name).isNotNull();
                assertThat(declared.get(name).getPermissions().getEdit()).as(name).containsExactly("admin");
            }

            // the admin still edits them: a number, then (a later edit) the admin vouches for it
            String number = Phones.e164(Phones.newNational());
            adminSets(realm, userId, Map.of("phoneNumber", number));
            adminSets(realm, userId, Map.of("phoneNumberVerified", "true"));
            assertThat(attributes(realm, userId).get("phoneNumber")).containsExactly(number);
            assertThat(attributes(realm, userId).get("phoneNumberVerified")).containsExactly("true");
        } finally {
            admin.realm(realm).remove();
        }
    }

    @Test
    @DisplayName("sms-login realm, unmanaged policy Enabled, an admin's profile that drops the phone attributes, lets users edit the "
            + "number and shows one only for a scope: fixed at once; the user's own writes are refused, and the next SMS login "
            + "leaves another app user's row where it is")
    void adminProfileThatOpensThePhoneAttributes() throws Exception {
        String realm = createExampleRealm(admin, Map.of("resendCooldownSeconds", "1", "maxSendsPerIpPerHour", "1000"));
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
            String ownAppUser = attributes(realm, userId).get("appUserId").get(0);
            assertThat(ownAppUser).isNotEqualTo(String.valueOf(victim));

            // an admin's profile: unmanaged attributes Enabled, phoneNumber editable by users, phoneNumberVerified
            // declared for the 'address' scope only (one the user's token does not carry), appUserId not declared
            UPConfig profile = admin.realm(realm).users().userProfile().getConfiguration();
            profile.setUnmanagedAttributePolicy(UnmanagedAttributePolicy.ENABLED);
            profile.getAttributes().removeIf(attribute -> attribute.getName().equals("appUserId"));
            for (UPAttribute attribute : profile.getAttributes()) {
                switch (attribute.getName()) {
                    case "phoneNumber" -> {
                        if (attribute.getPermissions() == null) {
                            attribute.setPermissions(new UPAttributePermissions());
                        }
                        attribute.getPermissions().setEdit(Set.of("admin", "user"));
                    }
                    case "phoneNumberVerified" -> attribute.setSelector(new UPAttributeSelector(Set.of("address")));
                    default -> {
                    }
                }
            }
            UPConfig answered = updateUserProfile(server, realm, profile);

            // the attacker gives their account the victim's app user and a number of their choosing, and logs in with it
            SoftAssertions softly = new SoftAssertions();
            String token = tokens.json().get("access_token").asText();
            String chosen = Phones.newNational();
            for (Map.Entry<String, String> attempt : List.of(Map.entry("appUserId", String.valueOf(victim)),
                    Map.entry("phoneNumber", Phones.e164(chosen)))) {
                HttpResponse<String> answer = setOwnAttribute(realm, token, attempt.getKey(), attempt.getValue());
                softly.assertThat(answer.statusCode()).as("the user's own %s: %s", attempt.getKey(), answer.body()).isEqualTo(400);
            }
            Map<String, List<String>> stored = attributes(realm, userId);
            softly.assertThat(stored.get("appUserId")).as("appUserId").containsExactly(ownAppUser);
            softly.assertThat(stored.get("phoneNumber")).as("phoneNumber").containsExactly(own);

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
            softly.assertThat(attributes(realm, userId).get("phoneNumberVerified")).as("phoneNumberVerified").containsExactly("true");

            Map<String, UPAttribute> now = declaredIn(realm);
            for (String name : PHONE_ATTRIBUTES) {
                softly.assertThat(now.get(name)).as("%s declared", name).isNotNull();
                softly.assertThat(now.get(name) == null ? null : now.get(name).getPermissions().getEdit())
                        .as("%s editable by admins only", name).containsExactly("admin");
                softly.assertThat(now.get(name) == null ? null : now.get(name).getSelector())
                        .as("%s in every context (no scope selector)", name).isNull();
            }
            softly.assertThat(now.get("phoneNumber").getPermissions().getView()).as("users still see their number").contains("user");
            softly.assertThat(now.get("phoneNumber").getValidations()).containsKey("sms-login-phone-number");
            UPAttribute answeredNumber = answered.getAttribute("phoneNumber");
            softly.assertThat(answeredNumber == null ? null : answeredNumber.getPermissions().getEdit()).as("the admin's answer shows the profile in force")
                    .containsExactly("admin");
            softly.assertThat(answered.getUnmanagedAttributePolicy()).as("the admin's own choices stay").isEqualTo(UnmanagedAttributePolicy.ENABLED);
            softly.assertAll();

            // admins still edit them
            adminSets(realm, userId, Map.of("phoneNumberVerified", "false"));
            assertThat(attributes(realm, userId).get("phoneNumberVerified")).containsExactly("false");
        } finally {
            admin.realm(realm).remove();
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
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEnabled(true);
        user.setEmail(username + "@example.com");
        user.setEmailVerified(true);
        user.setFirstName("Pat");
        user.setLastName("User");
        user.setCredentials(List.of(password(PASSWORD)));
        return created(admin.realm(realm).users().create(user));
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
        UserResource user = admin.realm(realm).users().get(userId);
        UserRepresentation edited = user.toRepresentation();
        changes.forEach(edited::singleAttribute);
        user.update(edited);
    }

    /** The user's attributes as an admin reads them (none: empty). */
    private static Map<String, List<String>> attributes(String realm, String userId) {
        Map<String, List<String>> attributes = admin.realm(realm).users().get(userId).toRepresentation().getAttributes();
        return attributes == null ? Map.of() : attributes;
    }

    private static Map<String, UPAttribute> declaredIn(String realm) {
        Map<String, UPAttribute> byName = new HashMap<>();
        admin.realm(realm).users().userProfile().getConfiguration().getAttributes()
                .forEach(attribute -> byName.put(attribute.getName(), attribute));
        return byName;
    }
}
