package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.smslogin.it.FlowJson.step;
import static dev.smslogin.it.FlowJson.subflow;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sms-reset-credentials}: "Forgot password?" by SMS, before Keycloak's own "Reset Password" step; real Keycloak,
 * fake Aliyun. Unknown numbers look the same and get no SMS.
 */
class PasswordResetIT {

    static final String OLD_PASSWORD = "Old-password-1";
    static final String NEW_PASSWORD = "New-password-2";
    static final String RESET_FLOW = "sms reset";
    static final String PASSWORD_CLIENT = "password-app";
    static final String TOKEN_CLIENT = "token-app";

    static final Map<String, String> LIMITS = Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1");

    static KeycloakServer server;
    static KeycloakAdmin admin;
    static FakeAliyunSms aliyun;
    static String realm;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = new KeycloakAdmin(server);
        aliyun = server.aliyun();
        realm = realmResettingWith(FlowJson.ofExampleRealm()
                .config("sms-reset", LIMITS)
                .flow(RESET_FLOW, step("sms-reset-credentials", "REQUIRED", "sms-reset"), step("reset-password", "REQUIRED")));
        admin.send("POST", "/admin/realms/" + realm + "/clients",
                "{\"clientId\":\"" + TOKEN_CLIENT + "\",\"publicClient\":true,\"directAccessGrantsEnabled\":true,\"standardFlowEnabled\":false}", 201);
    }

    /** A realm whose reset-credentials flow is {@link #RESET_FLOW} of {@code flows}, with the password login's client. */
    static String realmResettingWith(FlowJson flows) {
        Map<String, Object> settings = new HashMap<>(flows.realmSettings());
        settings.put("resetPasswordAllowed", true);
        settings.put("resetCredentialsFlow", RESET_FLOW);
        settings.put("directGrantFlow", "direct grant");  // the password grant that checks old and new passwords
        String created = admin.createRealm(LIMITS, settings);
        admin.createClient(created, PASSWORD_CLIENT, "browser");
        return created;
    }

    @AfterAll
    static void drop() {
        admin.deleteRealm(realm);
    }

    @Test
    @DisplayName("forgot password: number, code (reset template), new password; then the new password works, the old one"
            + " does not, and the user's other sessions ended")
    void resetEndToEnd() throws Exception {
        String national = Phones.newNational();
        String username = userWithNumber(national);
        JsonNode otherSession = passwordGrant(username, OLD_PASSWORD);
        assertThat(otherSession.has("refresh_token")).as(otherSession.toString()).isTrue();

        Browser browser = new Browser(server);
        Page phonePage = forgotPassword(browser);
        assertThat(phonePage.text()).contains("Reset your password by text message");
        Page codePage = browser.submit(phonePage, Map.of("phone_number", national), null);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).singleElement()
                .satisfies(m -> assertThat(m.templateCode()).isEqualTo(FakeAliyunSms.TEMPLATE_CODE_RESET));

        Page newPasswordPage = UserSteps.submitCode(browser, codePage, aliyun.lastCodeTo(national));
        assertThat(newPasswordPage.isRedirectToClient()).as("not logged in before the new password").isFalse();
        assertThat(newPasswordPage.document().selectFirst("input[name=password-new]")).as(newPasswordPage.text()).isNotNull();
        Page done = browser.submit(newPasswordPage, Map.of("password-new", NEW_PASSWORD, "password-confirm", NEW_PASSWORD,
                "logout-sessions", "on"), null);
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();

        assertThat(passwordGrant(username, NEW_PASSWORD).has("access_token")).isTrue();
        assertThat(passwordGrant(username, OLD_PASSWORD).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(refresh(otherSession.get("refresh_token").asText()).path("error").asText())
                .as("the session from before the reset ended").isEqualTo("invalid_grant");
    }

    @Test
    @DisplayName("an unknown number gets the same code page and no SMS, the event says user_not_found, and no code passes")
    void unknownNumberLooksTheSame() {
        String known = Phones.newNational();
        userWithNumber(known);
        String unknown = Phones.newNational();

        Browser knownBrowser = new Browser(server);
        Page knownPhonePage = forgotPassword(knownBrowser);
        long knownStart = System.nanoTime();
        Page knownCodePage = knownBrowser.submit(knownPhonePage, Map.of("phone_number", known), null);
        long knownMillis = (System.nanoTime() - knownStart) / 1_000_000;

        Browser unknownBrowser = new Browser(server);
        Page unknownPhonePage = forgotPassword(unknownBrowser);
        long unknownStart = System.nanoTime();
        Page unknownCodePage = unknownBrowser.submit(unknownPhonePage, Map.of("phone_number", unknown), null);
        long unknownMillis = (System.nanoTime() - unknownStart) / 1_000_000;

        assertThat(unknownCodePage.text().replace(Phones.maskedForDisplay(unknown), "NUMBER"))
                .isEqualTo(knownCodePage.text().replace(Phones.maskedForDisplay(known), "NUMBER"));
        assertThat(unknownCodePage.status()).isEqualTo(knownCodePage.status());
        assertThat(aliyun.messagesTo(unknown)).as("no SMS to a number no account has").isEmpty();
        assertThat(aliyun.messagesTo(known)).hasSize(1);
        List<JsonNode> errors = admin.events(realm, "RESET_PASSWORD_ERROR");
        assertThat(errors).anySatisfy(e -> assertThat(e.get("error").asText()).isEqualTo("user_not_found"));
        System.out.printf("Reset by SMS: the code page came %d ms after a known number, %d ms after an unknown one%n",
                knownMillis, unknownMillis);

        Page refused = UserSteps.submitCode(unknownBrowser, unknownCodePage, "123456");
        assertThat(refused.fieldError("code")).isEqualTo("That code is not correct. Check the text message and try again.");
        assertThat(refused.isRedirectToClient()).isFalse();
    }

    @Test
    @DisplayName("a number held unverified gets no SMS either")
    void unverifiedNumberGetsNoSms() {
        String national = Phones.newNational();
        createUser(Map.of("phoneNumber", Phones.e164(national), "phoneNumberVerified", "false"));
        Browser browser = new Browser(server);
        Page codePage = browser.submit(forgotPassword(browser), Map.of("phone_number", national), null);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).isEmpty();
    }

    @Test
    @DisplayName("beside the email reset (two ALTERNATIVE subflows, as the README shows): the SMS reset comes first, and"
            + " \"Try another way\" leads to the email reset's username page")
    void besideTheEmailReset() {
        String both = realmResettingWith(FlowJson.ofExampleRealm()
                .config("sms-reset", LIMITS)
                .flow(RESET_FLOW, subflow("by sms", "ALTERNATIVE"), subflow("by email", "ALTERNATIVE"))
                .subflowDefinition("by sms", step("sms-reset-credentials", "REQUIRED", "sms-reset"), step("reset-password", "REQUIRED"))
                .subflowDefinition("by email", step("reset-credentials-choose-user", "REQUIRED"),
                        step("reset-credential-email", "REQUIRED"), step("reset-password", "REQUIRED")));
        try {
            Browser browser = new Browser(server);
            Page phonePage = forgotPassword(browser, both);
            Element tryAnother = phonePage.document().getElementById("kc-select-try-another-way-form");
            assertThat(tryAnother).as("Try another way: " + phonePage.text()).isNotNull();
            Page choices = browser.post(tryAnother.absUrl("action"), Map.of("tryAnotherWay", "on"));
            List<Element> options = choices.document().select("li:has(input[name=authenticationExecution])");
            assertThat(options).as(choices.text()).hasSize(2);
            assertThat(options.get(0).text()).contains("Reset by text message")
                    .contains("Get a code by text message to the phone number of your account");
            Element email = options.get(1).selectFirst("form");
            Page usernamePage = browser.post(email.absUrl("action"),
                    Map.of("authenticationExecution", email.selectFirst("input[name=authenticationExecution]").val()));
            assertThat(usernamePage.document().selectFirst("input[name=username]")).as(usernamePage.text()).isNotNull();
            assertThat(usernamePage.isPhonePage()).isFalse();
        } finally {
            admin.deleteRealm(both);
        }
    }

    // ---- steps ----

    /** The password login page's "Forgot Password?" link, followed: the reset flow's phone page. */
    static Page forgotPassword(Browser browser) {
        return forgotPassword(browser, realm);
    }

    static Page forgotPassword(Browser browser, String realm) {
        Page login = browser.startLogin(realm, PASSWORD_CLIENT);
        Element link = login.document().selectFirst("a[href*=reset-credentials]");
        assertThat(link).as("forgot password link: " + login.text()).isNotNull();
        Page phonePage = browser.get(link.absUrl("href"));
        assertThat(phonePage.isPhonePage()).as(phonePage.text()).isTrue();
        return phonePage;
    }

    static String userWithNumber(String national) {
        return createUser(Map.of("phoneNumber", Phones.e164(national), "phoneNumberVerified", "true"));
    }

    static String createUser(Map<String, String> attributes) {
        String username = "reset-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String id = admin.createUser(realm, username, attributes);
        admin.send("PUT", "/admin/realms/" + realm + "/users/" + id + "/reset-password",
                "{\"type\":\"password\",\"value\":\"" + OLD_PASSWORD + "\",\"temporary\":false}", 204);
        return username;
    }

    static JsonNode passwordGrant(String username, String password) throws Exception {
        return token("grant_type=password&client_id=" + TOKEN_CLIENT + "&username=" + KeycloakAdmin.encode(username)
                + "&password=" + KeycloakAdmin.encode(password));
    }

    static JsonNode refresh(String refreshToken) throws Exception {
        return token("grant_type=refresh_token&client_id=" + TOKEN_CLIENT + "&refresh_token=" + KeycloakAdmin.encode(refreshToken));
    }

    private static JsonNode token(String form) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        return KeycloakAdmin.JSON.readTree(response.body());
    }
}
