package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.AuthenticationManagementResource;
import org.keycloak.representations.idm.AuthenticationExecutionRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RequiredActionProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.smslogin.it.AdminSteps.configureRequiredAction;
import static dev.smslogin.it.AdminSteps.createClient;
import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.createFlow;
import static dev.smslogin.it.AdminSteps.createUser;
import static dev.smslogin.it.AdminSteps.created;
import static dev.smslogin.it.AdminSteps.detail;
import static dev.smslogin.it.AdminSteps.events;
import static dev.smslogin.it.AdminSteps.flowId;
import static dev.smslogin.it.AdminSteps.json;
import static dev.smslogin.it.AdminSteps.password;
import static dev.smslogin.it.AdminSteps.registerRequiredAction;
import static dev.smslogin.it.AdminSteps.user;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static dev.smslogin.it.UserSteps.logIn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code verify-phone-number} required action on the real Keycloak: adding, changing and proving a number,
 * with the app's MySQL rows following, as an application starts it ({@code kc_action}), as an admin assigns it and
 * as a default action.
 */
class PhoneNumberLifecycleIT {

    static final String ACTION = "verify-phone-number";
    static final String PASSWORD = "Lifecycle-Password-1";

    static KeycloakServer server;
    static Keycloak admin;
    static TestDatabase app;
    /** numberInUse = refuse (the default). */
    static String realm;
    /** numberInUse = takeover. */
    static String takeoverRealm;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = server.adminClient();
        app = server.appDatabase();
        realm = lifecycleRealm(Map.of());
        takeoverRealm = lifecycleRealm(Map.of("numberInUse", "takeover"));
    }

    /** A realm with the SMS login (client demo-app), a password client and the required action registered. */
    static String lifecycleRealm(Map<String, String> actionConfig) {
        String name = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1"));
        createClient(admin.realm(name), "password-app", "browser");
        registerRequiredAction(admin.realm(name), ACTION, "Verify phone number");
        Map<String, String> config = new java.util.HashMap<>(Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1"));
        config.putAll(actionConfig);
        configureRequiredAction(admin.realm(name), ACTION, config);
        return name;
    }

    @AfterAll
    static void drop() {
        admin.realm(realm).remove();
        admin.realm(takeoverRealm).remove();
    }

    // ---- adding and changing a number ----

    @Test
    @DisplayName("a password user adds a number through the application (kc_action): verified, an app user and its 'P' row, a masked event")
    void passwordUserAddsNumber() {
        String id = passwordUser(realm);
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page phonePage = startActionAsPasswordUser(browser, realm, id);
        assertThat(phonePage.text()).contains("Verify your phone number");

        Page done = prove(browser, phonePage, national);
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
        assertThat(done.url()).contains("kc_action_status=success");

        UserRepresentation user = user(admin, realm, id);
        assertThat(user.firstAttribute("phoneNumber")).isEqualTo(Phones.e164(national));
        assertThat(user.firstAttribute("phoneNumberVerified")).isEqualTo("true");
        assertThat(user.firstAttribute("appUserId")).isEqualTo(String.valueOf(appUserOf(national)));
        assertThat(app.count("SELECT COUNT(*) FROM user WHERE id = " + appUserOf(national))).isEqualTo(1);

        EventRepresentation event = lastEvent(realm, "UPDATE_PROFILE", id);
        assertThat(detail(event, "updated_phone_number")).isEqualTo(masked(national));
        assertThat(json(event)).doesNotContain(national);

        // the number now logs into the password user's account
        sleep(1100);    // the number's resend cooldown
        assertThat(logIn(server, realm, national)).isEqualTo(id);
    }

    @Test
    @DisplayName("the account console's Signing in lists the phone number: 'Set up' without one, the masked number and 'Update' with one")
    void accountConsoleShowsTheNumber() throws Exception {
        String id = passwordUser(realm);
        Browser browser = new Browser(server);
        // before: the type is offered with its "Set up" action and no row
        JsonNode before = phoneNumberType(browser.tokens(passwordLogin(browser, realm, id, browser.startLogin(realm, "password-app"))));
        assertThat(before.path("createAction").asText()).isEqualTo(ACTION);
        assertThat(before.path("updateAction").isMissingNode() || before.path("updateAction").isNull()).isTrue();
        assertThat(before.path("userCredentialMetadatas")).isEmpty();

        String national = Phones.newNational();
        Page done = prove(browser, browser.startAction(realm, "password-app", ACTION), national);
        JsonNode after = phoneNumberType(browser.tokens(done));
        assertThat(after.path("updateAction").asText()).isEqualTo(ACTION);
        assertThat(after.path("userCredentialMetadatas")).hasSize(1);
        String label = after.path("userCredentialMetadatas").get(0).path("credential").path("userLabel").asText();
        assertThat(label).isEqualTo("+86 " + national.substring(0, 3) + "****" + national.substring(7));
        assertThat(after.path("userCredentialMetadatas").get(0).path("credential").path("createdDate").asLong()).isPositive();
    }

    @Test
    @DisplayName("a phone user changes numbers: the 'P' row moves to the new number, the old number no longer logs into the account")
    void phoneUserChangesNumber() {
        String oldNumber = Phones.newNational();
        String newNumber = Phones.newNational();
        Browser browser = new Browser(server);
        String id = UserSteps.idToken(browser.tokens(UserSteps.submitCode(browser, UserSteps.submitPhone(browser, realm, oldNumber),
                server.aliyun().lastCodeTo(oldNumber)))).get("sub").asText();
        long appUser = appUserOf(oldNumber);

        Page phonePage = browser.startAction(realm, Browser.CLIENT_ID, ACTION);    // logged in: the action's page at once
        assertThat(phonePage.isPhonePage()).as(phonePage.text()).isTrue();
        Page done = prove(browser, phonePage, newNumber);
        assertThat(done.url()).contains("kc_action_status=success");

        assertThat(user(admin, realm, id).firstAttribute("phoneNumber")).isEqualTo(Phones.e164(newNumber));
        assertThat(rows(oldNumber)).isZero();
        assertThat(appUserOf(newNumber)).isEqualTo(appUser);
        EventRepresentation event = lastEvent(realm, "UPDATE_PROFILE", id);
        assertThat(detail(event, "previous_phone_number")).isEqualTo(masked(oldNumber));
        assertThat(detail(event, "updated_phone_number")).isEqualTo(masked(newNumber));

        sleep(1100);    // the number's resend cooldown
        assertThat(logIn(server, realm, newNumber)).isEqualTo(id);
        String oldNumbersUser = logIn(server, realm, oldNumber);
        assertThat(oldNumbersUser).as("the old number signs up someone new").isNotEqualTo(id);
        assertThat(appUserOf(oldNumber)).as("and gets an app user of its own").isNotEqualTo(appUser);
    }

    @Test
    @DisplayName("an application asks a user who is not logged in: the SMS login first, then the action's pages")
    void actionAfterLogin() {
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page loginPage = browser.startAction(realm, Browser.CLIENT_ID, ACTION);
        Page codePage = browser.submit(loginPage, Map.of("phone_number", national), null);
        Page actionPage = browser.submit(codePage, Map.of("code", server.aliyun().lastCodeTo(national)), "login");
        assertThat(actionPage.text()).contains("Verify your phone number");
        assertThat(actionPage.isPhonePage()).as(actionPage.text()).isTrue();
    }

    @Test
    @DisplayName("cancelling the application's action changes nothing")
    void cancelChangesNothing() {
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        String id = logInIn(browser, realm, national);
        Page phonePage = browser.startAction(realm, Browser.CLIENT_ID, ACTION);
        Page codePage = browser.submit(phonePage, Map.of("phone_number", Phones.newNational()), null);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();

        Page cancelled = browser.submit(codePage, Map.of("cancel-aia", "true"), null);
        assertThat(cancelled.isRedirectToClient()).as(cancelled.text()).isTrue();
        assertThat(cancelled.url()).contains("kc_action_status=cancelled");
        assertThat(user(admin, realm, id).firstAttribute("phoneNumber")).isEqualTo(Phones.e164(national));
        assertThat(rows(national)).isEqualTo(1);
    }

    @Test
    @DisplayName("an admin assigns the action: the user proves a number at the next login; a default action reaches new users only without a verified number")
    void assignedAndDefaultAction() {
        String id = passwordUser(realm);
        UserRepresentation assigned = new UserRepresentation();
        assigned.setRequiredActions(List.of(ACTION));
        admin.realm(realm).users().get(id).update(assigned);
        Browser browser = new Browser(server);
        Page phonePage = passwordLogin(browser, realm, id, browser.startLogin(realm, "password-app"));
        assertThat(phonePage.isPhonePage()).as(phonePage.text()).isTrue();
        String national = Phones.newNational();
        assertThat(prove(browser, phonePage, national).isRedirectToClient()).isTrue();
        assertThat(user(admin, realm, id).firstAttribute("phoneNumberVerified")).isEqualTo("true");
        assertThat(user(admin, realm, id).getRequiredActions()).isNullOrEmpty();

        String defaultRealm = lifecycleRealm(Map.of());
        try {
            RequiredActionProviderRepresentation action = admin.realm(defaultRealm).flows().getRequiredAction(ACTION);
            action.setEnabled(true);
            action.setDefaultAction(true);
            admin.realm(defaultRealm).flows().updateRequiredAction(ACTION, action);
            String newUser = passwordUser(defaultRealm);
            Browser newcomer = new Browser(server);
            Page asked = passwordLogin(newcomer, defaultRealm, newUser, newcomer.startLogin(defaultRealm, "password-app"));
            assertThat(asked.isPhonePage()).as("a new password user adds a phone: " + asked.text()).isTrue();

            // an SMS sign-up gets the default action too, and passes it: its number is verified
            Browser phoneNewcomer = new Browser(server);
            String phoneNational = Phones.newNational();
            Page codePage = UserSteps.submitPhone(phoneNewcomer, defaultRealm, phoneNational);
            Page done = UserSteps.submitCode(phoneNewcomer, codePage, server.aliyun().lastCodeTo(phoneNational));
            assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
        } finally {
            admin.realm(defaultRealm).remove();
        }
    }

    // ---- a number another user holds ----

    @Test
    @DisplayName("refuse: a number of another account is revealed only after the right code, and nothing changes")
    void numberInUseIsRefused() {
        String holderNumber = Phones.newNational();
        String holder = logIn(server, realm, holderNumber);
        String id = passwordUser(realm);
        Browser browser = new Browser(server);
        Page phonePage = startActionAsPasswordUser(browser, realm, id);
        sleep(1100);    // the number's resend cooldown
        Page codePage = browser.submit(phonePage, Map.of("phone_number", holderNumber), null);
        assertThat(codePage.isCodePage()).as("the code goes out first: " + codePage.text()).isTrue();
        assertThat(codePage.text()).doesNotContain("another account");

        Page wrong = browser.submit(codePage, Map.of("code", wrongCode(holderNumber)), "login");
        assertThat(wrong.fieldError("code")).contains("not correct");
        assertThat(wrong.text()).doesNotContain("another account");

        Page refused = browser.submit(wrong, Map.of("code", server.aliyun().lastCodeTo(holderNumber)), "login");
        assertThat(refused.text()).contains("belongs to another account");
        assertThat(refused.isPhonePage()).isTrue();
        assertThat(user(admin, realm, id).firstAttribute("phoneNumber")).isNull();
        assertThat(user(admin, realm, holder).firstAttribute("phoneNumber")).isEqualTo(Phones.e164(holderNumber));
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(holderNumber))).hasSize(1);
        sleep(1100);    // the number's resend cooldown
        assertThat(logIn(server, realm, holderNumber)).isEqualTo(holder);
    }

    @Test
    @DisplayName("takeover: the number moves to the user who proved it, with its 'P' row; the old holder loses it and, with no other login, an event names it")
    void takeover() {
        String recycled = Phones.newNational();
        String previousHolder = logIn(server, takeoverRealm, recycled);
        String id = passwordUser(takeoverRealm);
        Browser browser = new Browser(server);
        Page phonePage = startActionAsPasswordUser(browser, takeoverRealm, id);
        sleep(1100);    // the number's resend cooldown
        Page done = prove(browser, phonePage, recycled);
        assertThat(done.url()).contains("kc_action_status=success");

        assertThat(user(admin, takeoverRealm, id).firstAttribute("phoneNumber")).isEqualTo(Phones.e164(recycled));
        UserRepresentation old = user(admin, takeoverRealm, previousHolder);
        assertThat(old.firstAttribute("phoneNumber")).isNull();
        assertThat(old.firstAttribute("phoneNumberVerified")).isEqualTo("false");
        assertThat(appUserOf(recycled)).isEqualTo(Long.parseLong(user(admin, takeoverRealm, id).firstAttribute("appUserId")));
        sleep(1100);    // the number's resend cooldown
        assertThat(logIn(server, takeoverRealm, recycled)).isEqualTo(id);

        EventRepresentation taken = lastEvent(takeoverRealm, "UPDATE_PROFILE", id);
        assertThat(detail(taken, "previous_holder_id")).contains(previousHolder);
        EventRepresentation lost = lastEvent(takeoverRealm, "UPDATE_PROFILE_ERROR", previousHolder);
        assertThat(lost.getError()).isEqualTo("phone_number_taken_over_no_login_left");
        assertThat(detail(lost, "taken_over_by")).isEqualTo(id);
        assertThat(json(lost)).doesNotContain(recycled);
    }

    @Test
    @DisplayName("issue 26 finding 3: a takeover gives the new holder an app account of its own; the previous holder keeps its own, and no two users share one")
    void takeoverGivesTheNewHolderItsOwnAppAccount() {
        String recycled = Phones.newNational();
        String previousHolder = logIn(server, takeoverRealm, recycled);
        String previousAppUser = user(admin, takeoverRealm, previousHolder).firstAttribute("appUserId");
        assertThat(previousAppUser).isNotNull();
        String id = passwordUser(takeoverRealm);
        Browser browser = new Browser(server);
        Page phonePage = startActionAsPasswordUser(browser, takeoverRealm, id);
        sleep(1100);    // the number's resend cooldown
        Page done = prove(browser, phonePage, recycled);
        assertThat(done.url()).contains("kc_action_status=success");

        String newAppUser = user(admin, takeoverRealm, id).firstAttribute("appUserId");
        assertThat(newAppUser).as("the new holder is linked").isNotNull()
                .as("to an app account that is not the previous holder's").isNotEqualTo(previousAppUser);
        assertThat(user(admin, takeoverRealm, previousHolder).firstAttribute("appUserId")).as("the previous holder keeps its app account")
                .isEqualTo(previousAppUser);
        assertThat(appUserOf(recycled)).as("the number's row moved to the new holder's app account").isEqualTo(Long.parseLong(newAppUser));
        assertThat(usersLinkedTo(takeoverRealm, previousAppUser)).containsExactly(previousHolder);
        assertThat(usersLinkedTo(takeoverRealm, newAppUser)).containsExactly(id);
    }

    @Test
    @DisplayName("issue 26 finding 6: the number of a holder's SMS second factor is not taken over: refused as in use, the holder keeps it verified, the event says why")
    void secondFactorIsNotTakenOver() {
        String secondFactorRealm = lifecycleRealm(Map.of("numberInUse", "takeover"));
        try {
            // an sms-otp step in the realm's flows: a verified number is its holder's second factor
            AuthenticationManagementResource flows = admin.realm(secondFactorRealm).flows();
            createFlow(admin.realm(secondFactorRealm), "second-factor");
            AuthenticationExecutionRepresentation smsOtp = new AuthenticationExecutionRepresentation();
            smsOtp.setAuthenticator("sms-otp");
            smsOtp.setRequirement("REQUIRED");
            smsOtp.setParentFlow(flowId(admin.realm(secondFactorRealm), "second-factor"));
            created(flows.addExecution(smsOtp));

            String number = Phones.newNational();
            String holder = logIn(server, secondFactorRealm, number);
            admin.realm(secondFactorRealm).users().get(holder).resetPassword(password(PASSWORD));
            String id = passwordUser(secondFactorRealm);
            Browser browser = new Browser(server);
            Page phonePage = startActionAsPasswordUser(browser, secondFactorRealm, id);
            sleep(1100);    // the number's resend cooldown
            Page refused = prove(browser, phonePage, number);

            assertThat(refused.text()).contains("belongs to another account");
            assertThat(refused.url()).doesNotContain("kc_action_status=success");
            UserRepresentation kept = user(admin, secondFactorRealm, holder);
            assertThat(kept.firstAttribute("phoneNumber")).isEqualTo(Phones.e164(number));
            assertThat(kept.firstAttribute("phoneNumberVerified")).isEqualTo("true");
            assertThat(user(admin, secondFactorRealm, id).firstAttribute("phoneNumber")).isNull();
            EventRepresentation event = lastEvent(secondFactorRealm, "UPDATE_PROFILE_ERROR", id);
            assertThat(detail(event, "reason")).isEqualTo("phone_number_is_second_factor");
            assertThat(json(event)).doesNotContain(number);
            sleep(1100);    // the number's resend cooldown
            assertThat(logIn(server, secondFactorRealm, number)).as("the holder still logs in with it").isEqualTo(holder);
        } finally {
            admin.realm(secondFactorRealm).remove();
        }
    }

    @Test
    @DisplayName("two users proving one free number at once: exactly one holds it")
    void raceForOneNumber() throws Exception {
        String contested = Phones.newNational();
        List<Browser> browsers = new ArrayList<>();
        List<Page> codePages = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = passwordUser(realm);
            Browser browser = new Browser(server);
            Page phonePage = startActionAsPasswordUser(browser, realm, id);
            if (i == 1) {
                sleep(1100);    // the number's resend cooldown
            }
            Page codePage = browser.submit(phonePage, Map.of("phone_number", contested), null);
            assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
            browsers.add(browser);
            codePages.add(codePage);
            codes.add(server.aliyun().lastCodeTo(contested));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Page>> answers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int n = i;
                answers.add(pool.submit(() -> browsers.get(n).submit(codePages.get(n), Map.of("code", codes.get(n)), "login")));
            }
            int succeeded = 0;
            for (Future<Page> answer : answers) {
                Page page = answer.get();
                if (page.isRedirectToClient()) {
                    succeeded++;
                } else {
                    assertThat(page.text()).containsAnyOf("belongs to another account", "temporarily unavailable");
                }
            }
            assertThat(succeeded).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(contested))).hasSize(1);
        assertThat(rows(contested)).isEqualTo(1);
    }

    @Test
    @DisplayName("an SMS sign-up and a verify-phone-number of one free number at once: exactly one user holds it")
    void signUpRacesTheAction() throws Exception {
        String contested = Phones.newNational();
        Browser actionBrowser = new Browser(server);
        Page actionPhone = startActionAsPasswordUser(actionBrowser, realm, passwordUser(realm));
        Page actionCode = actionBrowser.submit(actionPhone, Map.of("phone_number", contested), null);
        assertThat(actionCode.isCodePage()).as(actionCode.text()).isTrue();
        String actionCodeValue = server.aliyun().lastCodeTo(contested);
        sleep(1100);    // the number's resend cooldown
        Browser signUpBrowser = new Browser(server);
        Page signUpCode = UserSteps.submitPhone(signUpBrowser, realm, contested);
        assertThat(signUpCode.isCodePage()).as(signUpCode.text()).isTrue();
        String signUpCodeValue = server.aliyun().lastCodeTo(contested);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Page> action = pool.submit(() -> actionBrowser.submit(actionCode, Map.of("code", actionCodeValue), "login"));
            Future<Page> signUp = pool.submit(() -> signUpBrowser.submit(signUpCode, Map.of("code", signUpCodeValue), "login"));
            action.get();
            signUp.get();
        } finally {
            pool.shutdown();
        }
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(contested))).hasSize(1);
        assertThat(rows(contested)).isEqualTo(1);
    }

    @Test
    @DisplayName("MySQL down during a change: 'temporarily unavailable', nothing changes in Keycloak or MySQL")
    void mysqlDownDuringChange() throws Exception {
        String oldNumber = Phones.newNational();
        String newNumber = Phones.newNational();
        Browser browser = new Browser(server);
        String id = logInIn(browser, realm, oldNumber);
        Page codePage = browser.submit(browser.startAction(realm, Browser.CLIENT_ID, ACTION), Map.of("phone_number", newNumber), null);
        server.dependencies().appDatabaseLink().cut();
        Page refused;
        try {
            refused = browser.submit(codePage, Map.of("code", server.aliyun().lastCodeTo(newNumber)), "login");
        } finally {
            server.dependencies().appDatabaseLink().restore();
        }
        assertThat(refused.text()).contains("temporarily unavailable");
        assertThat(refused.text()).doesNotContain("Exception");
        assertThat(user(admin, realm, id).firstAttribute("phoneNumber")).isEqualTo(Phones.e164(oldNumber));
        assertThat(rows(oldNumber)).isEqualTo(1);
        assertThat(rows(newNumber)).isZero();

        // recovered without a restart: the same change now goes through
        sleep(1100);
        Page again = prove(browser, browser.startAction(realm, Browser.CLIENT_ID, ACTION), newNumber);
        assertThat(again.url()).contains("kc_action_status=success");
        assertThat(appUserOf(newNumber)).isEqualTo(Long.parseLong(user(admin, realm, id).firstAttribute("appUserId")));
    }

    // ---- steps ----

    /** Types {@code national} on the action's phone page and the code it gets; returns the page after the code. */
    static Page prove(Browser browser, Page phonePage, String national) {
        assertThat(phonePage.isPhonePage()).as("phone page: " + phonePage.text()).isTrue();
        Page codePage = browser.submit(phonePage, Map.of("phone_number", national), null);
        assertThat(codePage.isCodePage()).as("code page: " + codePage.text()).isTrue();
        return browser.submit(codePage, Map.of("code", server.aliyun().lastCodeTo(national)), "login");
    }

    /** An SMS login in {@code browser} (which keeps the session cookie); returns the user id. */
    static String logInIn(Browser browser, String realm, String national) {
        Page codePage = UserSteps.submitPhone(browser, realm, national);
        return UserSteps.idToken(browser.tokens(UserSteps.submitCode(browser, codePage, server.aliyun().lastCodeTo(national))))
                .get("sub").asText();
    }

    /** The {@code phone-number} type of the account console's "Signing in" page (account REST API), as the user sees it. */
    static JsonNode phoneNumberType(JsonNode tokens) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.baseUrl() + "/realms/" + realm + "/account/credentials"))
                .header("Authorization", "Bearer " + tokens.get("access_token").asText())
                .header("Accept", "application/json").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode type : KeycloakAdmin.JSON.readTree(response.body())) {
            if ("phone-number".equals(type.path("type").asText())) {
                return type;
            }
        }
        throw new AssertionError("no phone-number type in " + response.body());
    }

    static String passwordUser(String realm) {
        String username = "pw-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String id = createUser(admin.realm(realm), username, Map.of());
        admin.realm(realm).users().get(id).resetPassword(password(PASSWORD));
        return id;
    }

    /** The application starts the action for a password user, who logs in with the password first: the action's first page. */
    static Page startActionAsPasswordUser(Browser browser, String realm, String userId) {
        return passwordLogin(browser, realm, userId, browser.startAction(realm, "password-app", ACTION));
    }

    static Page passwordLogin(Browser browser, String realm, String userId, Page loginPage) {
        String username = user(admin, realm, userId).getUsername();
        return browser.submit(loginPage, Map.of("username", username, "password", PASSWORD), "login");
    }

    static String wrongCode(String national) {
        String right = server.aliyun().lastCodeTo(national);
        return right.equals("000000") ? "111111" : "000000";
    }

    static long rows(String national) {
        return app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'P' AND identification IN ('"
                + Phones.e164(national) + "', '" + national + "')");
    }

    static long appUserOf(String national) {
        return app.count("SELECT user_id FROM user_login_method WHERE login_method = 'P' AND identification IN ('"
                + Phones.e164(national) + "', '" + national + "')");
    }

    /** The ids of the realm's users linked to app user {@code appUserId}. */
    static List<String> usersLinkedTo(String realm, String appUserId) {
        List<String> ids = new ArrayList<>();
        admin.realm(realm).users().searchByAttributes("appUserId:" + appUserId).forEach(user -> ids.add(user.getId()));
        return ids;
    }

    static String masked(String national) {
        String e164 = Phones.e164(national);
        return e164.substring(0, 6) + "****" + e164.substring(e164.length() - 4);
    }

    static EventRepresentation lastEvent(String realm, String type, String userId) {
        return events(admin.realm(realm), type).stream()
                .filter(event -> userId.equals(event.getUserId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event of user " + userId));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
