package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.smslogin.it.UserSteps.logIn;
import static dev.smslogin.it.UserSteps.submitPhone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admin edits of {@code phoneNumber} on the real Keycloak: the validator refuses what must not be stored, the app's
 * {@code 'P'} row follows a change in the same transaction (or the change is refused and nothing changes), the next
 * SMS login repairs what changed without a hook; and new phone users get usernames that hold no number.
 */
class AdminPhoneEditIT {

    static KeycloakServer server;
    static KeycloakAdmin admin;
    static TestDatabase app;
    static String realm;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = new KeycloakAdmin(server);
        app = server.appDatabase();
        // the example realm as it was before the validator: the extension adds it when the realm is imported
        realm = importRealm(withoutPhoneValidator(exampleRealm(Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1",
                "maxSendsPerPhonePerHour", "20", "maxSendsPerPhonePerDay", "20"))));
    }

    @AfterAll
    static void drop() {
        admin.deleteRealm(realm);
    }

    // --- the validator ---

    @Test
    @DisplayName("an imported realm whose phoneNumber lacks the validator gets it")
    void importedRealmGetsTheValidator() {
        JsonNode profile = admin.get("/admin/realms/" + realm + "/users/profile");
        JsonNode phoneNumber = null;
        for (JsonNode attribute : profile.get("attributes")) {
            if (attribute.get("name").asText().equals("phoneNumber")) {
                phoneNumber = attribute;
            }
        }
        assertThat(phoneNumber).isNotNull();
        assertThat(phoneNumber.get("validations").has("sms-login-phone-number")).as(phoneNumber.toString()).isTrue();
        assertThat(phoneNumber.get("validations").has("length")).as("the realm's own validations stay").isTrue();
    }

    @Test
    @DisplayName("not E.164, not a mobile number, a region the realm does not allow: 400 with the reason; nothing changed")
    void invalidNumbersAreRefused() {
        String userId = admin.createUser(realm, "plain-" + UUID.randomUUID(), Map.of());
        Map<String, String> refused = Map.of(
                "13912345678", "smsLoginPhoneNumberInvalid",              // national, no country code
                "+86 139 1234 5678", "smsLoginPhoneNumberInvalid",        // not the E.164 form
                "+8613912345", "smsLoginPhoneNumberInvalid",              // too short for a mainland number
                "+861062345678", "smsLoginPhoneNumberNotMobile",          // a Beijing landline
                "+85261234567", "smsLoginPhoneNumberRegionNotAllowed");   // Hong Kong mobile, the realm allows CN
        refused.forEach((value, message) -> {
            HttpResponse<String> response = admin.send("PUT", "/admin/realms/" + realm + "/users/" + userId,
                    withPhone(admin.user(realm, userId), value).toString(), 400);
            assertThat(response.body()).as(value).contains(message).contains("phoneNumber");
            assertThat(attribute(admin.user(realm, userId), "phoneNumber")).as(value).isNull();
        });
        admin.send("POST", "/admin/realms/" + realm + "/users", newUser("created-" + UUID.randomUUID(), "13912345678").toString(), 400);
    }

    @Test
    @DisplayName("a number another user holds: refused on update and on create, with the message; the holder keeps it")
    void duplicateIsRefused() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        String holder = logIn(server, realm, national);
        String other = admin.createUser(realm, "other-" + national, Map.of());

        HttpResponse<String> update = admin.send("PUT", "/admin/realms/" + realm + "/users/" + other,
                withPhone(admin.user(realm, other), e164).toString(), 400);
        assertThat(update.body()).contains("smsLoginPhoneNumberInUse");
        HttpResponse<String> create = admin.send("POST", "/admin/realms/" + realm + "/users", newUser("dup-" + national, e164).toString(), 400);
        assertThat(create.body()).contains("smsLoginPhoneNumberInUse");

        assertThat(admin.usersWithPhone(realm, e164)).extracting(u -> u.get("id").asText()).containsExactly(holder);
    }

    @Test
    @DisplayName("two admins give one number to two users at the same instant: one edit is refused, one user holds it (5 rounds)")
    void concurrentEditsEndWithOneHolder() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String e164 = Phones.e164(Phones.newNational());
                List<String> users = List.of(admin.createUser(realm, "race-a-" + UUID.randomUUID(), Map.of()),
                        admin.createUser(realm, "race-b-" + UUID.randomUUID(), Map.of()));
                List<String> bodies = users.stream().map(id -> withPhone(admin.user(realm, id), e164).toString()).toList();
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Integer>> edits = new java.util.ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    String id = users.get(i);
                    String body = bodies.get(i);
                    edits.add(pool.submit(() -> {
                        start.await();
                        return statusOfPut("/admin/realms/" + realm + "/users/" + id, body);
                    }));
                }
                start.countDown();
                List<Integer> statuses = new java.util.ArrayList<>();
                for (java.util.concurrent.Future<Integer> edit : edits) {
                    statuses.add(edit.get());
                }
                assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(204, 400);
                assertThat(admin.usersWithPhone(realm, e164)).as("round " + round).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("a partial import (which runs no validator) of a number another user holds, or of one number twice, is"
            + " refused whole: 409, no user imported, the holder keeps the number")
    void partialImportOfAHeldNumberIsRefused() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        String holder = logIn(server, realm, national);
        String imported = "imported-" + UUID.randomUUID();
        HttpResponse<String> clash = admin.send("POST", "/admin/realms/" + realm + "/partialImport",
                "{\"ifResourceExists\":\"FAIL\",\"users\":[" + importedUser(imported, e164) + "]}", 409);
        assertThat(clash.body()).contains("Another user already has the phone number");
        assertThat(admin.get("/admin/realms/" + realm + "/users?exact=true&username=" + imported)).isEmpty();
        assertThat(admin.usersWithPhone(realm, e164)).extracting(u -> u.get("id").asText()).containsExactly(holder);

        String twice = Phones.e164(Phones.newNational());
        admin.send("POST", "/admin/realms/" + realm + "/partialImport", "{\"ifResourceExists\":\"FAIL\",\"users\":["
                + importedUser("twice-a-" + UUID.randomUUID(), twice) + "," + importedUser("twice-b-" + UUID.randomUUID(), twice) + "]}", 409);
        assertThat(admin.usersWithPhone(realm, twice)).isEmpty();
    }

    @Test
    @DisplayName("a realm import (which runs no validator either) of one number twice is refused with 409, of a value that is no"
            + " number with 400; no realm is made and nothing unmasked is said; distinct numbers import, and so does anything"
            + " in a realm without the SMS steps")
    void realmImportIsCheckedWhole() {
        String national = Phones.newNational();
        String twice = Phones.e164(national);
        ObjectNode clash = exampleRealm(Map.of());
        clash.putArray("users").add(newUser("first-" + UUID.randomUUID(), twice)).add(newUser("second-" + UUID.randomUUID(), twice));
        HttpResponse<String> duplicate = admin.send("POST", "/admin/realms", clash.toString(), 409);
        assertThat(duplicate.body()).contains("have the same phoneNumber (+86" + national.substring(0, 3) + "****")
                .contains("Nothing was imported").doesNotContain(national);
        admin.send("GET", "/admin/realms/" + clash.get("realm").asText(), null, 404);

        ObjectNode national11 = exampleRealm(Map.of());
        national11.putArray("users").add(newUser("national-" + UUID.randomUUID(), national));
        HttpResponse<String> invalid = admin.send("POST", "/admin/realms", national11.toString(), 400);
        assertThat(invalid.body()).contains("is not a mobile number in E.164 form").doesNotContain(national);
        admin.send("GET", "/admin/realms/" + national11.get("realm").asText(), null, 404);
        assertThat(server.logText()).as("the refusals' log lines").doesNotContain(national);

        // a realm without the SMS steps (and without the validator) keeps what it likes in an attribute of that name
        ObjectNode plain = KeycloakAdmin.JSON.createObjectNode().put("realm", "plain-" + UUID.randomUUID().toString().substring(0, 8))
                .put("enabled", true);
        plain.putArray("users").add(newUser("a-" + UUID.randomUUID(), twice)).add(newUser("b-" + UUID.randomUUID(), twice))
                .add(newUser("c-" + UUID.randomUUID(), "(010) 6234-5678"));
        admin.deleteRealm(importRealm(plain));

        String other = Phones.e164(Phones.newNational());
        ObjectNode distinct = exampleRealm(Map.of());
        distinct.putArray("users").add(newUser("one-" + UUID.randomUUID(), twice)).add(newUser("two-" + UUID.randomUUID(), other))
                .add(KeycloakAdmin.JSON.createObjectNode().put("username", "no-phone-" + UUID.randomUUID()).put("enabled", true));
        String imported = importRealm(distinct);
        try {
            assertThat(admin.usersWithPhone(imported, twice)).hasSize(1);
            assertThat(admin.usersWithPhone(imported, other)).hasSize(1);
        } finally {
            admin.deleteRealm(imported);
        }
    }

    private static String importedUser(String username, String e164) {
        return "{\"username\":\"" + username + "\",\"enabled\":true,\"attributes\":{\"phoneNumber\":[\"" + e164
                + "\"],\"phoneNumberVerified\":[\"true\"]}}";
    }

    /** The status of an admin PUT, whatever it is. */
    private static int statusOfPut(String path, String json) {
        try {
            return admin.send("PUT", path, json, 204).statusCode();
        } catch (AssertionError refused) {
            return refused.getMessage().contains("answered 400") ? 400 : -1;
        }
    }

    @Test
    @DisplayName("an edit that keeps the number (the holder itself) passes the validator and leaves the app's row as it is")
    void unchangedNumberPasses() {
        String national = Phones.newNational();
        String userId = logIn(server, realm, national);
        long rowId = rowIdOf(Phones.e164(national));
        ObjectNode user = (ObjectNode) admin.user(realm, userId);
        user.put("firstName", "Kept");
        admin.send("PUT", "/admin/realms/" + realm + "/users/" + userId, user.toString(), 204);
        JsonNode after = admin.user(realm, userId);
        assertThat(after.get("firstName").asText()).isEqualTo("Kept");
        assertThat(attribute(after, "phoneNumber")).isEqualTo(Phones.e164(national));
        assertThat(rowIdOf(Phones.e164(national))).isEqualTo(rowId);
    }

    // --- verification belongs to one number, and nothing acts in other realms (issue 26, findings 2 and 4) ---

    private static final String CONFLICT = "This number cannot be used to sign in here. Contact support.";

    @Test
    @DisplayName("issue 26 finding 2: the admin console's round trip (a new number beside the unchanged phoneNumberVerified=true) leaves "
            + "the new number unverified; it logs in once an admin sets phoneNumberVerified in a later edit")
    void roundTripDoesNotVouchForTheNewNumber() {
        String old = Phones.newNational();
        String moved = Phones.newNational();
        String userId = logIn(server, realm, old);
        JsonNode before = admin.user(realm, userId);
        assertThat(attribute(before, "phoneNumberVerified")).isEqualTo("true");

        admin.send("PUT", "/admin/realms/" + realm + "/users/" + userId, withPhone(before, Phones.e164(moved)).toString(), 204);

        JsonNode after = admin.user(realm, userId);
        assertThat(attribute(after, "phoneNumber")).isEqualTo(Phones.e164(moved));
        assertThat(attribute(after, "phoneNumberVerified")).as("the console shows what the login does").isEqualTo("false");
        assertThat(smsLogin(realm, moved).text()).as("the new number logs into nobody yet").contains(CONFLICT);
        admin.send("PUT", "/admin/realms/" + realm + "/users/" + userId, after.toString(), 204);
        sleep(1100);
        assertThat(smsLogin(realm, moved).text()).as("an edit that keeps phoneNumberVerified=false vouches for nothing").contains(CONFLICT);

        vouch(userId);
        sleep(1100);
        assertThat(logIn(server, realm, moved)).as("vouched for in a later edit").isEqualTo(userId);
    }

    @Test
    @DisplayName("issue 26 finding 2: an identity provider's attribute importer (sync mode FORCE) that changes phoneNumber does not carry "
            + "the verification of the old number over: the new number logs into nobody")
    void mapperChangeIsNotVerified() {
        String provider = providerRealm();
        String victimRealm = importRealm(exampleRealm(Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1")));
        try {
            String own = Phones.newNational();
            String victims = Phones.newNational();
            HttpResponse<String> created = admin.send("POST", "/admin/realms/" + provider + "/users", "{\"username\":\"attacker\",\"enabled\":true,"
                    + "\"email\":\"attacker@example.com\",\"emailVerified\":true,\"firstName\":\"A\",\"lastName\":\"T\","
                    + "\"attributes\":{\"mobile\":[\"" + Phones.e164(own) + "\"]}}", 201);
            String location = created.headers().firstValue("Location").orElseThrow();
            String providerUser = location.substring(location.lastIndexOf('/') + 1);
            admin.send("PUT", "/admin/realms/" + provider + "/users/" + providerUser + "/reset-password",
                    "{\"type\":\"password\",\"value\":\"" + PROVIDER_PASSWORD + "\",\"temporary\":false}", 204);
            addIdentityProvider(victimRealm, provider);

            String attacker = brokeredLogin(victimRealm);
            assertThat(attribute(admin.user(victimRealm, attacker), "phoneNumber")).isEqualTo(Phones.e164(own));
            // the attacker's own number, vouched for (as a proof by code would)
            ObjectNode vouched = admin.user(victimRealm, attacker).deepCopy();
            ((ObjectNode) vouched.get("attributes")).putArray("phoneNumberVerified").add("true");
            admin.send("PUT", "/admin/realms/" + victimRealm + "/users/" + attacker, vouched.toString(), 204);
            assertThat(logIn(server, victimRealm, own)).isEqualTo(attacker);

            // at the provider, the number becomes the victim's; the next brokered login writes it (FORCE)
            ObjectNode changed = admin.user(provider, providerUser).deepCopy();
            ((ObjectNode) changed.get("attributes")).putArray("mobile").add(Phones.e164(victims));
            admin.send("PUT", "/admin/realms/" + provider + "/users/" + providerUser, changed.toString(), 204);
            assertThat(brokeredLogin(victimRealm)).isEqualTo(attacker);
            JsonNode synced = admin.user(victimRealm, attacker);
            assertThat(attribute(synced, "phoneNumber")).isEqualTo(Phones.e164(victims));
            assertThat(attribute(synced, "phoneNumberVerified")).as("Keycloak wrote the number, not the flag").isEqualTo("true");

            Page page = smsLogin(victimRealm, victims);
            assertThat(page.isRedirectToClient()).as("the victim's number does not log into the attacker's account").isFalse();
            assertThat(page.text()).contains(CONFLICT);
        } finally {
            admin.deleteRealm(victimRealm);
            admin.deleteRealm(provider);
        }
    }

    @Test
    @DisplayName("issue 26 finding 4: in a realm without the SMS steps the extension does nothing: two users keep 'N/A' in phoneNumber, "
            + "and an appUserId of another realm's user moves none of that app user's rows")
    void realmWithoutTheStepsIsLeftAlone() {
        String national = Phones.newNational();
        logIn(server, realm, national);
        long appUserId = appUserIdOf(Phones.e164(national));
        long rowId = rowIdOf(Phones.e164(national));
        String plain = plainRealm();
        try {
            admin.createUser(plain, "first", Map.of("phoneNumber", "N/A"));
            admin.createUser(plain, "second", Map.of("phoneNumber", "N/A"));
            String other = Phones.newNational();
            admin.createUser(plain, "borrower", Map.of("phoneNumber", Phones.e164(other), "appUserId", String.valueOf(appUserId)));
            String cleared = admin.createUser(plain, "clearer", Map.of("phoneNumber", Phones.e164(Phones.newNational()),
                    "appUserId", String.valueOf(appUserId)));
            ObjectNode none = admin.user(plain, cleared).deepCopy();
            ((ObjectNode) none.get("attributes")).putArray("phoneNumber");
            admin.send("PUT", "/admin/realms/" + plain + "/users/" + cleared, none.toString(), 204);

            assertThat(rowIdOf(Phones.e164(national))).as("the app user's row stays where it was").isEqualTo(rowId);
            assertThat(appUserIdOf(Phones.e164(national))).isEqualTo(appUserId);
            assertThat(loginRows(Phones.e164(other))).isZero();
        } finally {
            admin.deleteRealm(plain);
        }
    }

    @Test
    @DisplayName("issue 26 finding 4: an appUserId copied from another user is refused (409) and moves none of that app user's rows")
    void copiedAppUserIdIsRefused() {
        String national = Phones.newNational();
        logIn(server, realm, national);
        long appUserId = appUserIdOf(Phones.e164(national));
        long rowId = rowIdOf(Phones.e164(national));
        String other = Phones.newNational();

        ObjectNode copied = newUser("copier-" + other, Phones.e164(other));
        ((ObjectNode) copied.get("attributes")).putArray("appUserId").add(String.valueOf(appUserId));
        HttpResponse<String> refused = admin.send("POST", "/admin/realms/" + realm + "/users", copied.toString(), 409);

        assertThat(refused.body()).contains("linked to another user");
        assertThat(admin.usersWithPhone(realm, Phones.e164(other))).as("no user was created").isEmpty();
        assertThat(rowIdOf(Phones.e164(national))).isEqualTo(rowId);
        assertThat(appUserIdOf(Phones.e164(national))).isEqualTo(appUserId);
        assertThat(loginRows(Phones.e164(other))).isZero();
    }

    private static final String PROVIDER_PASSWORD = "Provider-Password-1";

    /** A realm without the SMS steps whose users may keep any attribute (unmanaged attributes enabled). */
    private static String plainRealm() {
        String name = "plain-" + UUID.randomUUID().toString().substring(0, 8);
        admin.send("POST", "/admin/realms", "{\"realm\":\"" + name + "\",\"enabled\":true}", 201);
        ObjectNode profile = admin.get("/admin/realms/" + name + "/users/profile").deepCopy();
        profile.put("unmanagedAttributePolicy", "ENABLED");
        admin.send("PUT", "/admin/realms/" + name + "/users/profile", profile.toString(), 200);
        return name;
    }

    /** A realm of the same Keycloak as an OpenID Connect provider: its client puts the user's {@code mobile} attribute in the ID token. */
    private static String providerRealm() {
        String name = plainRealm();
        admin.send("POST", "/admin/realms/" + name + "/clients", "{\"clientId\":\"phone-broker\",\"secret\":\"broker-secret\","
                + "\"publicClient\":false,\"standardFlowEnabled\":true,\"redirectUris\":[\"*\"],\"protocolMappers\":[{\"name\":\"mobile\","
                + "\"protocol\":\"openid-connect\",\"protocolMapper\":\"oidc-usermodel-attribute-mapper\",\"config\":{\"user.attribute\":\"mobile\","
                + "\"claim.name\":\"mobile\",\"jsonType.label\":\"String\",\"id.token.claim\":\"true\",\"access.token.claim\":\"true\","
                + "\"userinfo.token.claim\":\"true\"}}]}", 201);
        return name;
    }

    /** {@code provider} as identity provider {@code provider} of {@code realm}, its {@code mobile} claim written to phoneNumber (FORCE). */
    private static void addIdentityProvider(String realm, String provider) {
        String issuer = server.baseUrl() + "/realms/" + provider;
        admin.send("POST", "/admin/realms/" + realm + "/identity-provider/instances", "{\"alias\":\"provider\",\"providerId\":\"oidc\","
                + "\"enabled\":true,\"trustEmail\":false,\"config\":{\"clientId\":\"phone-broker\",\"clientSecret\":\"broker-secret\","
                + "\"clientAuthMethod\":\"client_secret_post\",\"authorizationUrl\":\"" + issuer + "/protocol/openid-connect/auth\","
                + "\"tokenUrl\":\"" + issuer + "/protocol/openid-connect/token\",\"validateSignature\":\"false\",\"disableUserInfo\":\"true\","
                + "\"defaultScope\":\"openid\",\"syncMode\":\"FORCE\"}}", 201);
        admin.send("POST", "/admin/realms/" + realm + "/identity-provider/instances/provider/mappers", "{\"name\":\"phone\","
                + "\"identityProviderAlias\":\"provider\",\"identityProviderMapper\":\"oidc-user-attribute-idp-mapper\","
                + "\"config\":{\"claim\":\"mobile\",\"user.attribute\":\"phoneNumber\",\"syncMode\":\"FORCE\"}}", 201);
        // Keycloak's "Identity Provider Redirector" before the SMS step: kc_idp_hint goes straight to the provider
        admin.send("POST", "/admin/realms/" + realm + "/authentication/executions", "{\"authenticator\":\"identity-provider-redirector\","
                + "\"requirement\":\"ALTERNATIVE\",\"parentFlow\":\"" + admin.flowId(realm, "sms browser") + "\"}", 201);
        for (JsonNode execution : admin.get("/admin/realms/" + realm + "/authentication/flows/sms%20browser/executions")) {
            if ("identity-provider-redirector".equals(execution.path("providerId").asText())) {
                admin.send("POST", "/admin/realms/" + realm + "/authentication/executions/" + execution.get("id").asText() + "/raise-priority", null, 204);
            }
        }
    }

    /** A login through identity provider {@code provider} as its user {@code attacker}, in a fresh browser; the user id the client gets. */
    private static String brokeredLogin(String realm) {
        Browser browser = new Browser(server);
        Page providerLogin = browser.startBrokeredLogin(realm, "provider");
        Page done = browser.submit(providerLogin, Map.of("username", "attacker", "password", PROVIDER_PASSWORD), null);
        assertThat(done.isRedirectToClient()).as("brokered login: " + done.url() + "\n" + done.text()).isTrue();
        return UserSteps.idToken(browser.tokens(done)).get("sub").asText();
    }

    /** An admin's later edit that sets {@code phoneNumberVerified}: vouches for the user's number (after a change, it is unverified). */
    private static void vouch(String userId) {
        ObjectNode vouched = admin.user(realm, userId).deepCopy();
        ((ObjectNode) vouched.get("attributes")).putArray("phoneNumberVerified").add("true");
        admin.send("PUT", "/admin/realms/" + realm + "/users/" + userId, vouched.toString(), 204);
    }

    /** An SMS login with the right code, in a fresh browser: the page it ends on. */
    private static Page smsLogin(String realm, String national) {
        Browser browser = new Browser(server);
        return UserSteps.submitCode(browser, submitPhone(browser, realm, national), server.aliyun().lastCodeTo(national));
    }

    // --- the app's row follows ---

    @Test
    @DisplayName("a change moves the app user's 'P' row: the new number logs into the account, the old one is a stranger")
    void changeMovesTheAppRow() {
        String old = Phones.newNational();
        String moved = Phones.newNational();
        String userId = logIn(server, realm, old);
        long appUserId = appUserIdOf(Phones.e164(old));
        long rowId = rowIdOf(Phones.e164(old));
        app.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + appUserId + ", 'WX', 'wx-" + old + "')");

        admin.send("PUT", "/admin/realms/" + realm + "/users/" + userId, withPhone(admin.user(realm, userId), Phones.e164(moved)).toString(), 204);

        assertThat(rowIdOf(Phones.e164(moved))).as("the same row, moved").isEqualTo(rowId);
        assertThat(appUserIdOf(Phones.e164(moved))).isEqualTo(appUserId);
        assertThat(loginRows(Phones.e164(old))).isZero();
        assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND user_id = " + appUserId)).isEqualTo(1);
        com.fasterxml.jackson.databind.JsonNode changed = admin.events(realm, "UPDATE_PROFILE").stream()
                .filter(event -> userId.equals(event.path("userId").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no UPDATE_PROFILE event of the user"));
        assertThat(changed.path("details").path("previous_phone_number").asText()).isEqualTo(Phones.e164(old).substring(0, 6) + "****" + old.substring(7));
        assertThat(changed.path("details").path("updated_phone_number").asText()).isEqualTo(Phones.e164(moved).substring(0, 6) + "****" + moved.substring(7));
        assertThat(changed.toString()).doesNotContain(old).doesNotContain(moved);
        vouch(userId);
        assertThat(logIn(server, realm, moved)).isEqualTo(userId);
        sleep(1100);
        String newcomer = logIn(server, realm, old);
        assertThat(newcomer).as("the old number no longer logs into the account").isNotEqualTo(userId);
        assertThat(appUserIdOf(Phones.e164(old))).as("and has an app user of its own").isNotEqualTo(appUserId);
    }

    @Test
    @DisplayName("clearing the number deletes only the 'P' row: the user row and the 'WX' row stay, the number signs up anew")
    void clearDeletesOnlyThePhoneRow() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        String userId = logIn(server, realm, national);
        long appUserId = appUserIdOf(e164);
        app.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + appUserId + ", 'WX', 'wx-" + national + "')");

        ObjectNode user = (ObjectNode) admin.user(realm, userId);
        ((ObjectNode) user.get("attributes")).putArray("phoneNumber");
        admin.send("PUT", "/admin/realms/" + realm + "/users/" + userId, user.toString(), 204);

        assertThat(attribute(admin.user(realm, userId), "phoneNumber")).isNull();
        assertThat(loginRows(e164)).isZero();
        assertThat(app.count("SELECT COUNT(*) FROM `user` WHERE id = " + appUserId)).isEqualTo(1);
        assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND user_id = " + appUserId)).isEqualTo(1);
        sleep(1100);
        assertThat(logIn(server, realm, national)).as("the number is a stranger to the account").isNotEqualTo(userId);
    }

    @Test
    @DisplayName("the number's 'P' row is another app user's: 409 on update and on create, nothing changed in Keycloak or MySQL")
    void numberTakenInTheAppIsRefused() {
        String old = Phones.newNational();
        String taken = Phones.newNational();
        String userId = logIn(server, realm, old);
        long appUserId = appUserIdOf(Phones.e164(old));
        app.execute("INSERT INTO `user` (name, age) VALUES ('老用户', 30)");
        long otherAppUser = app.count("SELECT MAX(id) FROM `user`");
        app.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + otherAppUser + ", 'P', '" + taken + "')");

        HttpResponse<String> refused = admin.send("PUT", "/admin/realms/" + realm + "/users/" + userId,
                withPhone(admin.user(realm, userId), Phones.e164(taken)).toString(), 409);

        assertThat(refused.body()).contains("belongs to another app account").doesNotContain(taken);
        assertThat(attribute(admin.user(realm, userId), "phoneNumber")).isEqualTo(Phones.e164(old));
        assertThat(appUserIdOf(Phones.e164(old))).isEqualTo(appUserId);
        assertThat(appUserIdOf(taken)).isEqualTo(otherAppUser);

        ObjectNode linked = newUser("linked-" + taken, Phones.e164(taken));
        ((ObjectNode) linked.get("attributes")).putArray("appUserId").add(String.valueOf(appUserId));
        HttpResponse<String> created = admin.send("POST", "/admin/realms/" + realm + "/users", linked.toString(), 409);
        assertThat(created.body()).as("a create is refused the same way").contains("belongs to another app account");
        assertThat(admin.usersWithPhone(realm, Phones.e164(taken))).as("and no user was created").isEmpty();
    }

    @Test
    @DisplayName("MySQL unreachable: a number change is refused with 503 and nothing changes on either side; an edit that keeps the number goes through")
    void mysqlDownRefusesTheChange() throws IOException {
        String old = Phones.newNational();
        String moved = Phones.newNational();
        String userId = logIn(server, realm, old);
        long appUserId = appUserIdOf(Phones.e164(old));

        server.dependencies().appDatabaseLink().cut();
        try {
            HttpResponse<String> refused = admin.send("PUT", "/admin/realms/" + realm + "/users/" + userId,
                    withPhone(admin.user(realm, userId), Phones.e164(moved)).toString(), 503);
            assertThat(refused.body()).contains("temporarily unavailable").doesNotContain("SQLState").doesNotContain("Exception");

            ObjectNode renamed = (ObjectNode) admin.user(realm, userId);
            renamed.put("firstName", "Renamed");
            admin.send("PUT", "/admin/realms/" + realm + "/users/" + userId, renamed.toString(), 204);
        } finally {
            server.dependencies().appDatabaseLink().restore();
        }
        JsonNode user = admin.user(realm, userId);
        assertThat(attribute(user, "phoneNumber")).isEqualTo(Phones.e164(old));
        assertThat(user.get("firstName").asText()).isEqualTo("Renamed");
        assertThat(appUserIdOf(Phones.e164(old))).isEqualTo(appUserId);
        assertThat(loginRows(Phones.e164(moved))).isZero();
        assertThat(admin.usersWithPhone(realm, Phones.e164(moved))).isEmpty();
    }

    @Test
    @DisplayName("a realm import changes a linked user's number (no hook): the next SMS login moves the app user's row")
    void importIsRepairedAtNextLogin() {
        String old = Phones.newNational();
        String current = Phones.newNational();
        app.execute("INSERT INTO `user` (name, age) VALUES ('迁移用户', 30)");
        long appUserId = app.count("SELECT MAX(id) FROM `user`");
        app.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + appUserId + ", 'P', '" + Phones.e164(old) + "'), ("
                + appUserId + ", 'WX', 'wx-" + old + "')");
        ObjectNode imported = exampleRealm(Map.of());
        ObjectNode user = newUser("migrated-" + current, Phones.e164(current));
        ((ObjectNode) user.get("attributes")).putArray("phoneNumberVerified").add("true");
        ((ObjectNode) user.get("attributes")).putArray("appUserId").add(String.valueOf(appUserId));
        imported.putArray("users").add(user);
        String importedRealm = importRealm(imported);
        try {
            String userId = admin.usersWithPhone(importedRealm, Phones.e164(current)).get(0).get("id").asText();
            assertThat(loginRows(Phones.e164(old))).as("nothing followed the import").isEqualTo(1);

            assertThat(logIn(server, importedRealm, current)).isEqualTo(userId);

            assertThat(appUserIdOf(Phones.e164(current))).isEqualTo(appUserId);
            assertThat(loginRows(Phones.e164(old))).as("the old number no longer logs into the app user").isZero();
            assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND user_id = " + appUserId)).isEqualTo(1);
        } finally {
            admin.deleteRealm(importedRealm);
        }
    }

    // --- usernames ---

    @Test
    @DisplayName("opaque (default): a new phone user's username holds no number, nor do its REGISTER and LOGIN events or the server log; admins find it by number")
    void opaqueUsername() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        String userId = logIn(server, realm, national);
        sleep(1100);
        logIn(server, realm, national);

        List<JsonNode> found = admin.usersWithPhone(realm, e164);
        assertThat(found).extracting(u -> u.get("id").asText()).containsExactly(userId);
        String username = admin.user(realm, userId).get("username").asText();
        assertThat(username).matches("phone-[0-9a-f]{24}").doesNotContain(national.substring(7));
        List<JsonNode> events = new ArrayList<>();
        for (String type : List.of("REGISTER", "LOGIN")) {
            admin.events(realm, type).stream().filter(e -> userId.equals(e.path("userId").asText())).forEach(events::add);
        }
        assertThat(events).as("a REGISTER and two LOGIN events").hasSize(3);
        assertThat(events).allSatisfy(e -> assertThat(e.toString()).doesNotContain(national).contains(username));
        assertThat(server.logText()).doesNotContain(national);
    }

    @Test
    @DisplayName("usernameFormat=phone: the username is the E.164 number, as before the setting")
    void phoneUsername() {
        String phoneNames = admin.createRealm(Map.of("usernameFormat", "phone"));
        try {
            String national = Phones.newNational();
            String userId = logIn(server, phoneNames, national);
            assertThat(admin.user(phoneNames, userId).get("username").asText()).isEqualTo(Phones.e164(national));
        } finally {
            admin.deleteRealm(phoneNames);
        }
    }

    @Test
    @DisplayName("two sign-ups of one new number at once end in one user with one opaque username")
    void concurrentSignUpsEndInOneUser() throws Exception {
        String national = Phones.newNational();
        List<Browser> browsers = new ArrayList<>();
        List<Page> codePages = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Browser browser = new Browser(server);
            codePages.add(submitPhone(browser, realm, national));
            browsers.add(browser);
            codes.add(server.aliyun().lastCodeTo(national));
            sleep(1100);
        }
        List<Page> results = LoginMethodMirrorIT.submitCodesAtOnce(browsers, codePages, codes);
        assertThat(results).filteredOn(Page::isRedirectToClient).isNotEmpty();
        List<JsonNode> users = admin.usersWithPhone(realm, Phones.e164(national));
        assertThat(users).hasSize(1);
        assertThat(users.get(0).get("username").asText()).startsWith("phone-");
        assertThat(loginRows(Phones.e164(national))).isEqualTo(1);
    }

    // --- helpers ---

    static ObjectNode exampleRealm(Map<String, String> smsSettings) {
        try {
            ObjectNode realm = (ObjectNode) KeycloakAdmin.JSON.readTree(Files.readString(Path.of("examples/realm-sms-demo.json")));
            realm.put("realm", "it-" + UUID.randomUUID().toString().substring(0, 8));
            ObjectNode config = (ObjectNode) realm.get("authenticatorConfig").get(0).get("config");
            smsSettings.forEach(config::put);
            return realm;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The user-profile component's JSON without the {@code sms-login-phone-number} validator. */
    static ObjectNode withoutPhoneValidator(ObjectNode realm) {
        String json = realm.toString();
        String stripped = json.replace(", \\\"sms-login-phone-number\\\": {}", "");
        assertThat(stripped).as("the example declares the validator").isNotEqualTo(json).doesNotContain("sms-login-phone-number");
        try {
            return (ObjectNode) KeycloakAdmin.JSON.readTree(stripped);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String importRealm(ObjectNode realm) {
        admin.send("POST", "/admin/realms", realm.toString(), 201);
        return realm.get("realm").asText();
    }

    static ObjectNode withPhone(JsonNode user, String value) {
        ObjectNode copy = user.deepCopy();
        ObjectNode attributes = copy.has("attributes") ? (ObjectNode) copy.get("attributes") : copy.putObject("attributes");
        attributes.putArray("phoneNumber").add(value);
        return copy;
    }

    static ObjectNode newUser(String username, String phone) {
        ObjectNode user = KeycloakAdmin.JSON.createObjectNode();
        user.put("username", username);
        user.put("enabled", true);
        ArrayNode phoneNumber = user.putObject("attributes").putArray("phoneNumber");
        phoneNumber.add(phone);
        return user;
    }

    static String attribute(JsonNode user, String name) {
        JsonNode values = user.path("attributes").path(name);
        return values.isArray() && values.size() > 0 ? values.get(0).asText() : null;
    }

    static long loginRows(String identification) {
        return app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'P' AND identification = '" + identification + "'");
    }

    static long appUserIdOf(String identification) {
        return app.count("SELECT user_id FROM user_login_method WHERE login_method = 'P' AND identification = '" + identification + "'");
    }

    static long rowIdOf(String identification) {
        return app.count("SELECT id FROM user_login_method WHERE login_method = 'P' AND identification = '" + identification + "'");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
