package dev.smslogin.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.TestDatabase;
import jakarta.ws.rs.WebApplicationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.PartialImportRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.smslogin.it.AdminSteps.addOidcIdentityProvider;
import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.createUser;
import static dev.smslogin.it.AdminSteps.created;
import static dev.smslogin.it.AdminSteps.events;
import static dev.smslogin.it.AdminSteps.json;
import static dev.smslogin.it.AdminSteps.oidcProviderRealm;
import static dev.smslogin.it.AdminSteps.password;
import static dev.smslogin.it.AdminSteps.refusal;
import static dev.smslogin.it.AdminSteps.representation;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
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
    static Keycloak admin;
    static TestDatabase app;
    static String realm;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = server.adminClient();
        app = server.appDatabase();
        // the example realm as it was before the validator: the extension adds it when the realm is imported
        realm = importRealm(representation(withoutPhoneValidator(AdminSteps.exampleRealm(Map.of("maxSendsPerIpPerHour", "10000",
                "resendCooldownSeconds", "1", "maxSendsPerPhonePerHour", "20", "maxSendsPerPhonePerDay", "20"), Map.of()))));
    }

    @AfterAll
    static void drop() {
        admin.realm(realm).remove();
    }

    // --- the validator ---

    @Test
    @DisplayName("an imported realm whose phoneNumber lacks the validator gets it")
    void importedRealmGetsTheValidator() {
        UPConfig profile = admin.realm(realm).users().userProfile().getConfiguration();
        assertThat(profile.getAttribute("phoneNumber")).isNotNull();
        Map<String, Map<String, Object>> validations = profile.getAttribute("phoneNumber").getValidations();
        assertThat(validations).containsKey("sms-login-phone-number");
        assertThat(validations).as("the realm's own validations stay").containsKey("length");
    }

    @Test
    @DisplayName("not E.164, not a mobile number, a region the realm does not allow: 400 with the reason; nothing changed")
    void invalidNumbersAreRefused() {
        UserResource user = users().get(createUser(admin.realm(realm), "plain-" + UUID.randomUUID(), Map.of()));
        Map<String, String> refused = Map.of(
                "13912345678", "smsLoginPhoneNumberInvalid",              // national, no country code
                "+86 139 1234 5678", "smsLoginPhoneNumberInvalid",        // not the E.164 form
                "+8613912345", "smsLoginPhoneNumberInvalid",              // too short for a mainland number
                "+861062345678", "smsLoginPhoneNumberNotMobile",          // a Beijing landline
                "+85261234567", "smsLoginPhoneNumberRegionNotAllowed");   // Hong Kong mobile, the realm allows CN
        refused.forEach((value, message) -> {
            String response = refusal(400, () -> user.update(withPhone(user.toRepresentation(), value)));
            assertThat(response).as(value).contains(message).contains("phoneNumber");
            assertThat(user.toRepresentation().firstAttribute("phoneNumber")).as(value).isNull();
        });
        refusal(400, users().create(newUser("created-" + UUID.randomUUID(), "13912345678")));
    }

    @Test
    @DisplayName("a number another user holds: refused on update and on create, with the message; the holder keeps it")
    void duplicateIsRefused() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        String holder = logIn(server, realm, national);
        UserResource other = users().get(createUser(admin.realm(realm), "other-" + national, Map.of()));

        String update = refusal(400, () -> other.update(withPhone(other.toRepresentation(), e164)));
        assertThat(update).contains("smsLoginPhoneNumberInUse");
        String create = refusal(400, users().create(newUser("dup-" + national, e164)));
        assertThat(create).contains("smsLoginPhoneNumberInUse");

        assertThat(usersWithPhone(admin.realm(realm), e164)).extracting(UserRepresentation::getId).containsExactly(holder);
    }

    @Test
    @DisplayName("two admins give one number to two users at the same instant: one edit is refused, one user holds it (5 rounds)")
    void concurrentEditsEndWithOneHolder() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String e164 = Phones.e164(Phones.newNational());
                List<String> users = List.of(createUser(admin.realm(realm), "race-a-" + UUID.randomUUID(), Map.of()),
                        createUser(admin.realm(realm), "race-b-" + UUID.randomUUID(), Map.of()));
                List<UserRepresentation> edits = users.stream().map(id -> withPhone(users().get(id).toRepresentation(), e164)).toList();
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    UserResource user = users().get(users.get(i));
                    UserRepresentation edit = edits.get(i);
                    answers.add(pool.submit(() -> {
                        start.await();
                        return statusOfUpdate(user, edit);
                    }));
                }
                start.countDown();
                List<Integer> statuses = new java.util.ArrayList<>();
                for (java.util.concurrent.Future<Integer> answer : answers) {
                    statuses.add(answer.get());
                }
                assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(204, 400);
                assertThat(usersWithPhone(admin.realm(realm), e164)).as("round " + round).hasSize(1);
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
        String clash = refusal(409, admin.realm(realm).partialImport(partialImport(importedUser(imported, e164))));
        assertThat(clash).contains("Another user already has the phone number");
        assertThat(users().searchByUsername(imported, true)).isEmpty();
        assertThat(usersWithPhone(admin.realm(realm), e164)).extracting(UserRepresentation::getId).containsExactly(holder);

        String twice = Phones.e164(Phones.newNational());
        refusal(409, admin.realm(realm).partialImport(partialImport(importedUser("twice-a-" + UUID.randomUUID(), twice),
                importedUser("twice-b-" + UUID.randomUUID(), twice))));
        assertThat(usersWithPhone(admin.realm(realm), twice)).isEmpty();
    }

    @Test
    @DisplayName("a realm import (which runs no validator either) of one number twice is refused with 409, of a value that is no"
            + " number with 400; no realm is made and nothing unmasked is said; distinct numbers import, and so does anything"
            + " in a realm without the SMS steps")
    void realmImportIsCheckedWhole() {
        String national = Phones.newNational();
        String twice = Phones.e164(national);
        RealmRepresentation clash = exampleRealm(Map.of());
        clash.setUsers(List.of(newUser("first-" + UUID.randomUUID(), twice), newUser("second-" + UUID.randomUUID(), twice)));
        String duplicate = refusal(409, () -> admin.realms().create(clash));
        assertThat(duplicate).contains("have the same phoneNumber (+86" + national.substring(0, 3) + "****")
                .contains("Nothing was imported").doesNotContain(national);
        refusal(404, () -> admin.realm(clash.getRealm()).toRepresentation());

        RealmRepresentation national11 = exampleRealm(Map.of());
        national11.setUsers(List.of(newUser("national-" + UUID.randomUUID(), national)));
        String invalid = refusal(400, () -> admin.realms().create(national11));
        assertThat(invalid).contains("is not a mobile number in E.164 form").doesNotContain(national);
        refusal(404, () -> admin.realm(national11.getRealm()).toRepresentation());
        assertThat(server.logText()).as("the refusals' log lines").doesNotContain(national);

        // a realm without the SMS steps (and without the validator) keeps what it likes in an attribute of that name
        RealmRepresentation plain = new RealmRepresentation();
        plain.setRealm("plain-" + UUID.randomUUID().toString().substring(0, 8));
        plain.setEnabled(true);
        plain.setUsers(List.of(newUser("a-" + UUID.randomUUID(), twice), newUser("b-" + UUID.randomUUID(), twice),
                newUser("c-" + UUID.randomUUID(), "(010) 6234-5678")));
        admin.realm(importRealm(plain)).remove();

        String other = Phones.e164(Phones.newNational());
        RealmRepresentation distinct = exampleRealm(Map.of());
        UserRepresentation noPhone = new UserRepresentation();
        noPhone.setUsername("no-phone-" + UUID.randomUUID());
        noPhone.setEnabled(true);
        distinct.setUsers(List.of(newUser("one-" + UUID.randomUUID(), twice), newUser("two-" + UUID.randomUUID(), other), noPhone));
        String imported = importRealm(distinct);
        try {
            assertThat(usersWithPhone(admin.realm(imported), twice)).hasSize(1);
            assertThat(usersWithPhone(admin.realm(imported), other)).hasSize(1);
        } finally {
            admin.realm(imported).remove();
        }
    }

    private static UserRepresentation importedUser(String username, String e164) {
        UserRepresentation user = newUser(username, e164);
        user.singleAttribute("phoneNumberVerified", "true");
        return user;
    }

    private static PartialImportRepresentation partialImport(UserRepresentation... users) {
        PartialImportRepresentation partialImport = new PartialImportRepresentation();
        partialImport.setIfResourceExists(PartialImportRepresentation.Policy.FAIL.name());
        partialImport.setUsers(List.of(users));
        return partialImport;
    }

    /** The status of an admin's update of a user, whatever it is. */
    private static int statusOfUpdate(UserResource user, UserRepresentation edit) {
        try {
            user.update(edit);
            return 204;
        } catch (WebApplicationException refused) {
            return refused.getResponse().getStatus();
        }
    }

    @Test
    @DisplayName("an edit that keeps the number (the holder itself) passes the validator and leaves the app's row as it is")
    void unchangedNumberPasses() {
        String national = Phones.newNational();
        String userId = logIn(server, realm, national);
        long rowId = rowIdOf(Phones.e164(national));
        UserResource user = users().get(userId);
        UserRepresentation edit = user.toRepresentation();
        edit.setFirstName("Kept");
        user.update(edit);
        UserRepresentation after = user.toRepresentation();
        assertThat(after.getFirstName()).isEqualTo("Kept");
        assertThat(after.firstAttribute("phoneNumber")).isEqualTo(Phones.e164(national));
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
        UserResource user = users().get(userId);
        UserRepresentation before = user.toRepresentation();
        assertThat(before.firstAttribute("phoneNumberVerified")).isEqualTo("true");

        user.update(withPhone(before, Phones.e164(moved)));

        UserRepresentation after = user.toRepresentation();
        assertThat(after.firstAttribute("phoneNumber")).isEqualTo(Phones.e164(moved));
        assertThat(after.firstAttribute("phoneNumberVerified")).as("the console shows what the login does").isEqualTo("false");
        assertThat(smsLogin(realm, moved).text()).as("the new number logs into nobody yet").contains(CONFLICT);
        user.update(after);
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
            UserRepresentation attackerAtProvider = new UserRepresentation();
            attackerAtProvider.setUsername("attacker");
            attackerAtProvider.setEnabled(true);
            attackerAtProvider.setEmail("attacker@example.com");
            attackerAtProvider.setEmailVerified(true);
            attackerAtProvider.setFirstName("A");
            attackerAtProvider.setLastName("T");
            attackerAtProvider.singleAttribute("mobile", Phones.e164(own));
            UserResource providerUser = admin.realm(provider).users().get(created(admin.realm(provider).users().create(attackerAtProvider)));
            providerUser.resetPassword(password(PROVIDER_PASSWORD));
            addIdentityProvider(victimRealm, provider);

            String attackerId = brokeredLogin(victimRealm);
            UserResource attacker = admin.realm(victimRealm).users().get(attackerId);
            assertThat(attacker.toRepresentation().firstAttribute("phoneNumber")).isEqualTo(Phones.e164(own));
            // the attacker's own number, vouched for (as a proof by code would)
            UserRepresentation vouched = attacker.toRepresentation();
            vouched.singleAttribute("phoneNumberVerified", "true");
            attacker.update(vouched);
            assertThat(logIn(server, victimRealm, own)).isEqualTo(attackerId);

            // at the provider, the number becomes the victim's; the next brokered login writes it (FORCE)
            UserRepresentation changed = providerUser.toRepresentation();
            changed.singleAttribute("mobile", Phones.e164(victims));
            providerUser.update(changed);
            assertThat(brokeredLogin(victimRealm)).isEqualTo(attackerId);
            UserRepresentation synced = attacker.toRepresentation();
            assertThat(synced.firstAttribute("phoneNumber")).isEqualTo(Phones.e164(victims));
            assertThat(synced.firstAttribute("phoneNumberVerified")).as("Keycloak wrote the number, not the flag").isEqualTo("true");

            Page page = smsLogin(victimRealm, victims);
            assertThat(page.isRedirectToClient()).as("the victim's number does not log into the attacker's account").isFalse();
            assertThat(page.text()).contains(CONFLICT);

            // issue 27: a number whose verified holder signed up by SMS (a user named after the number) and that a
            // mapper then writes on another user too: the code still logs the holder in, never the mapper's user
            String signedUp = Phones.newNational();
            String holderId = logIn(server, victimRealm, signedUp);
            UserRepresentation second = providerUser.toRepresentation();
            second.singleAttribute("mobile", Phones.e164(signedUp));
            providerUser.update(second);
            assertThat(brokeredLogin(victimRealm)).isEqualTo(attackerId);
            assertThat(attacker.toRepresentation().firstAttribute("phoneNumber")).as("two users hold the number now").isEqualTo(Phones.e164(signedUp));
            sleep(1100);    // the realm's resend cooldown
            assertThat(logIn(server, victimRealm, signedUp)).as("the number's verified holder").isEqualTo(holderId);
        } finally {
            admin.realm(victimRealm).remove();
            admin.realm(provider).remove();
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
            RealmResource plainRealm = admin.realm(plain);
            createUser(plainRealm, "first", Map.of("phoneNumber", "N/A"));
            createUser(plainRealm, "second", Map.of("phoneNumber", "N/A"));
            String other = Phones.newNational();
            createUser(plainRealm, "borrower", Map.of("phoneNumber", Phones.e164(other), "appUserId", String.valueOf(appUserId)));
            UserResource cleared = plainRealm.users().get(createUser(plainRealm, "clearer", Map.of("phoneNumber",
                    Phones.e164(Phones.newNational()), "appUserId", String.valueOf(appUserId))));
            UserRepresentation none = cleared.toRepresentation();
            none.getAttributes().put("phoneNumber", List.of());
            cleared.update(none);

            assertThat(rowIdOf(Phones.e164(national))).as("the app user's row stays where it was").isEqualTo(rowId);
            assertThat(appUserIdOf(Phones.e164(national))).isEqualTo(appUserId);
            assertThat(loginRows(Phones.e164(other))).isZero();
        } finally {
            admin.realm(plain).remove();
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

        UserRepresentation copied = newUser("copier-" + other, Phones.e164(other));
        copied.singleAttribute("appUserId", String.valueOf(appUserId));
        String refused = refusal(409, users().create(copied));

        assertThat(refused).contains("linked to another user");
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(other))).as("no user was created").isEmpty();
        assertThat(rowIdOf(Phones.e164(national))).isEqualTo(rowId);
        assertThat(appUserIdOf(Phones.e164(national))).isEqualTo(appUserId);
        assertThat(loginRows(Phones.e164(other))).isZero();
    }

    private static final String PROVIDER_PASSWORD = "Provider-Password-1";

    /** A realm without the SMS steps whose users may keep any attribute (unmanaged attributes enabled). */
    private static String plainRealm() {
        return AdminSteps.plainRealm(admin, "plain-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** An OpenID Connect provider realm of the same Keycloak (AdminSteps.oidcProviderRealm). */
    private static String providerRealm() {
        return oidcProviderRealm(admin, "plain-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** {@code provider} as identity provider {@code provider} of {@code realm}, its {@code mobile} claim written to phoneNumber (FORCE). */
    private static void addIdentityProvider(String realm, String provider) {
        addOidcIdentityProvider(admin, realm, server.baseUrl() + "/realms/" + provider, "provider", "FORCE", null);
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
        UserResource user = users().get(userId);
        UserRepresentation vouched = user.toRepresentation();
        vouched.singleAttribute("phoneNumberVerified", "true");
        user.update(vouched);
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

        UserResource user = users().get(userId);
        user.update(withPhone(user.toRepresentation(), Phones.e164(moved)));

        assertThat(rowIdOf(Phones.e164(moved))).as("the same row, moved").isEqualTo(rowId);
        assertThat(appUserIdOf(Phones.e164(moved))).isEqualTo(appUserId);
        assertThat(loginRows(Phones.e164(old))).isZero();
        assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND user_id = " + appUserId)).isEqualTo(1);
        EventRepresentation changed = events(admin.realm(realm), "UPDATE_PROFILE").stream()
                .filter(event -> userId.equals(event.getUserId())).findFirst()
                .orElseThrow(() -> new AssertionError("no UPDATE_PROFILE event of the user"));
        assertThat(changed.getDetails()).containsEntry("previous_phone_number", Phones.e164(old).substring(0, 6) + "****" + old.substring(7));
        assertThat(changed.getDetails()).containsEntry("updated_phone_number", Phones.e164(moved).substring(0, 6) + "****" + moved.substring(7));
        assertThat(json(changed)).doesNotContain(old).doesNotContain(moved);
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

        UserResource user = users().get(userId);
        UserRepresentation cleared = user.toRepresentation();
        cleared.getAttributes().put("phoneNumber", List.of());
        user.update(cleared);

        assertThat(user.toRepresentation().firstAttribute("phoneNumber")).isNull();
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

        UserResource user = users().get(userId);
        String refused = refusal(409, () -> user.update(withPhone(user.toRepresentation(), Phones.e164(taken))));

        assertThat(refused).contains("belongs to another app account").doesNotContain(taken);
        assertThat(user.toRepresentation().firstAttribute("phoneNumber")).isEqualTo(Phones.e164(old));
        assertThat(appUserIdOf(Phones.e164(old))).isEqualTo(appUserId);
        assertThat(appUserIdOf(taken)).isEqualTo(otherAppUser);

        UserRepresentation linked = newUser("linked-" + taken, Phones.e164(taken));
        linked.singleAttribute("appUserId", String.valueOf(appUserId));
        String created = refusal(409, users().create(linked));
        assertThat(created).as("a create is refused the same way").contains("belongs to another app account");
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(taken))).as("and no user was created").isEmpty();
    }

    @Test
    @DisplayName("MySQL unreachable: a number change is refused with 503 and nothing changes on either side; an edit that keeps the number goes through")
    void mysqlDownRefusesTheChange() throws IOException {
        String old = Phones.newNational();
        String moved = Phones.newNational();
        String userId = logIn(server, realm, old);
        long appUserId = appUserIdOf(Phones.e164(old));

        UserResource user = users().get(userId);
        server.dependencies().appDatabaseLink().cut();
        try {
            String refused = refusal(503, () -> user.update(withPhone(user.toRepresentation(), Phones.e164(moved))));
            assertThat(refused).contains("temporarily unavailable").doesNotContain("SQLState").doesNotContain("Exception");

            UserRepresentation renamed = user.toRepresentation();
            renamed.setFirstName("Renamed");
            user.update(renamed);
        } finally {
            server.dependencies().appDatabaseLink().restore();
        }
        UserRepresentation after = user.toRepresentation();
        assertThat(after.firstAttribute("phoneNumber")).isEqualTo(Phones.e164(old));
        assertThat(after.getFirstName()).isEqualTo("Renamed");
        assertThat(appUserIdOf(Phones.e164(old))).isEqualTo(appUserId);
        assertThat(loginRows(Phones.e164(moved))).isZero();
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(moved))).isEmpty();
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
        RealmRepresentation imported = exampleRealm(Map.of());
        UserRepresentation user = newUser("migrated-" + current, Phones.e164(current));
        user.singleAttribute("phoneNumberVerified", "true");
        user.singleAttribute("appUserId", String.valueOf(appUserId));
        imported.setUsers(List.of(user));
        String importedRealm = importRealm(imported);
        try {
            String userId = usersWithPhone(admin.realm(importedRealm), Phones.e164(current)).get(0).getId();
            assertThat(loginRows(Phones.e164(old))).as("nothing followed the import").isEqualTo(1);

            assertThat(logIn(server, importedRealm, current)).isEqualTo(userId);

            assertThat(appUserIdOf(Phones.e164(current))).isEqualTo(appUserId);
            assertThat(loginRows(Phones.e164(old))).as("the old number no longer logs into the app user").isZero();
            assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND user_id = " + appUserId)).isEqualTo(1);
        } finally {
            admin.realm(importedRealm).remove();
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

        List<UserRepresentation> found = usersWithPhone(admin.realm(realm), e164);
        assertThat(found).extracting(UserRepresentation::getId).containsExactly(userId);
        String username = users().get(userId).toRepresentation().getUsername();
        assertThat(username).matches("phone-[0-9a-f]{24}").doesNotContain(national.substring(7));
        List<EventRepresentation> events = new ArrayList<>();
        for (String type : List.of("REGISTER", "LOGIN")) {
            events(admin.realm(realm), type).stream().filter(e -> userId.equals(e.getUserId())).forEach(events::add);
        }
        assertThat(events).as("a REGISTER and two LOGIN events").hasSize(3);
        assertThat(events).allSatisfy(e -> assertThat(json(e)).doesNotContain(national).contains(username));
        assertThat(server.logText()).doesNotContain(national);
    }

    @Test
    @DisplayName("usernameFormat=phone: the username is the E.164 number, as before the setting")
    void phoneUsername() {
        String phoneNames = createExampleRealm(admin, Map.of("usernameFormat", "phone"));
        try {
            String national = Phones.newNational();
            String userId = logIn(server, phoneNames, national);
            assertThat(admin.realm(phoneNames).users().get(userId).toRepresentation().getUsername()).isEqualTo(Phones.e164(national));
        } finally {
            admin.realm(phoneNames).remove();
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
        List<UserRepresentation> users = usersWithPhone(admin.realm(realm), Phones.e164(national));
        assertThat(users).hasSize(1);
        assertThat(users.get(0).getUsername()).startsWith("phone-");
        assertThat(loginRows(Phones.e164(national))).isEqualTo(1);
    }

    // --- helpers ---

    /** The users of the tests' realm. */
    private static org.keycloak.admin.client.resource.UsersResource users() {
        return admin.realm(realm).users();
    }

    static RealmRepresentation exampleRealm(Map<String, String> smsSettings) {
        return representation(AdminSteps.exampleRealm(smsSettings, Map.of()));
    }

    /** The user-profile component's JSON without the {@code sms-login-phone-number} validator. */
    static ObjectNode withoutPhoneValidator(ObjectNode realm) {
        String json = realm.toString();
        String stripped = json.replace(", \\\"sms-login-phone-number\\\": {}", "");
        assertThat(stripped).as("the example declares the validator").isNotEqualTo(json).doesNotContain("sms-login-phone-number");
        try {
            return (ObjectNode) JsonSerialization.mapper.readTree(stripped);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String importRealm(RealmRepresentation realm) {
        admin.realms().create(realm);
        return realm.getRealm();
    }

    /** The user as an admin sends it back with {@code phoneNumber} set to {@code value}. */
    static UserRepresentation withPhone(UserRepresentation user, String value) {
        user.singleAttribute("phoneNumber", value);
        return user;
    }

    static UserRepresentation newUser(String username, String phone) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEnabled(true);
        user.singleAttribute("phoneNumber", phone);
        return user;
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
