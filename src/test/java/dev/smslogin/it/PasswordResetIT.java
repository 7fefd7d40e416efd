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
    @DisplayName("beside the email reset (two ALTERNATIVE subflows, as docs/second-factor-and-reset.md shows): the SMS reset comes first, and"
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

    @Test
    @DisplayName("issue 26, finding 9: whatever becomes of the SMS to an account's number (sent, refused, provider down, rate"
            + " limited, unconfirmed, busy), its pages read as a number no account has: same text, same status, also on resend")
    void sendFailuresLookLikeSends() throws Exception {
        String looking = realmResettingWith(FlowJson.ofExampleRealm()
                .config("sms-reset", Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "60"))
                .flow(RESET_FLOW, step("sms-reset-credentials", "REQUIRED", "sms-reset"), step("reset-password", "REQUIRED")));
        Map<String, FakeAliyunSms.Misbehaviour> outcomes = new java.util.LinkedHashMap<>();
        outcomes.put("sent", null);
        outcomes.put("provider error 503 (not sent, given back before)", FakeAliyunSms.Misbehaviour.httpError(503));
        outcomes.put("rate limited by the provider", FakeAliyunSms.Misbehaviour.businessError("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控"));
        outcomes.put("number refused by the provider", FakeAliyunSms.Misbehaviour.businessError("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"));
        outcomes.put("unconfirmed (read timeout)", FakeAliyunSms.Misbehaviour.slow(java.time.Duration.ofMillis(3000)));
        outcomes.put("unconfirmed (garbage answer)", FakeAliyunSms.Misbehaviour.malformed());
        try {
            for (Map.Entry<String, FakeAliyunSms.Misbehaviour> outcome : outcomes.entrySet()) {
                String registered = Phones.newNational();
                userWithNumber(looking, registered);
                String unknown = Phones.newNational();
                Browser registeredBrowser = new Browser(server);
                Browser unknownBrowser = new Browser(server);
                Page registeredPhonePage = forgotPassword(registeredBrowser, looking);
                Page unknownPhonePage = forgotPassword(unknownBrowser, looking);
                int requests = aliyun.requests();
                if (outcome.getValue() != null) {
                    aliyun.misbehave(outcome.getValue());
                }
                try {
                    Page registeredPage = registeredBrowser.submit(registeredPhonePage, Map.of("phone_number", registered), null);
                    Page unknownPage = unknownBrowser.submit(unknownPhonePage, Map.of("phone_number", unknown), null);
                    assertThat(aliyun.requests()).as(outcome.getKey() + ": the provider was asked").isGreaterThan(requests);
                    assertLookAlike(outcome.getKey(), registeredPage, registered, unknownPage, unknown, false);
                    assertThat(unknownPage.isCodePage()).isTrue();

                    // a resend at once: the cooldown holds for both (a refused send is not given back)
                    Page registeredResent = registeredBrowser.submit(registeredPage, Map.of(), "resend");
                    Page unknownResent = unknownBrowser.submit(unknownPage, Map.of(), "resend");
                    assertLookAlike(outcome.getKey() + ", resend", registeredResent, registered, unknownResent, unknown, true);
                    assertThat(unknownResent.text()).contains("A code was sent a moment ago.");
                } finally {
                    aliyun.behave();
                }
            }
            busyLooksLikeSent(looking);
        } finally {
            aliyun.behave();
            admin.deleteRealm(looking);
        }
    }

    /** More registered numbers at once than sends may be in flight, Aliyun slow: those refused as busy read as sent too. */
    private void busyLooksLikeSent(String looking) throws Exception {
        String unknown = Phones.newNational();
        Browser unknownBrowser = new Browser(server);
        Page unknownPage = unknownBrowser.submit(forgotPassword(unknownBrowser, looking), Map.of("phone_number", unknown), null);

        int crowd = sendCapacity() + 4;
        List<String> numbers = new java.util.ArrayList<>();
        List<Browser> browsers = new java.util.ArrayList<>();
        List<Page> phonePages = new java.util.ArrayList<>();
        for (int i = 0; i < crowd; i++) {
            numbers.add(Phones.newNational());
            userWithNumber(looking, numbers.get(i));
            browsers.add(new Browser(server));
            phonePages.add(forgotPassword(browsers.get(i), looking));
        }
        int requests = aliyun.requests();
        aliyun.misbehave(FakeAliyunSms.Misbehaviour.slow(java.time.Duration.ofMillis(1500)));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(crowd);
        List<Page> pages = new java.util.ArrayList<>();
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Page>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < crowd; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return browsers.get(n).submit(phonePages.get(n), Map.of("phone_number", numbers.get(n)), null);
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<Page> future : futures) {
                pages.add(future.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            aliyun.behave();
        }
        assertThat(aliyun.requests() - requests).as("some sends were refused as busy, before reaching Aliyun").isLessThan(crowd);
        for (int i = 0; i < crowd; i++) {
            assertLookAlike("busy crowd, number " + (i + 1), pages.get(i), numbers.get(i), unknownPage, unknown, false);
        }
    }

    private static void assertLookAlike(String outcome, Page registeredPage, String registered, Page unknownPage, String unknown,
                                        boolean secondsLeftMayDiffer) {
        String registeredText = registeredPage.text().replace(Phones.maskedForDisplay(registered), "NUMBER");
        String unknownText = unknownPage.text().replace(Phones.maskedForDisplay(unknown), "NUMBER");
        if (secondsLeftMayDiffer) {
            // the seconds left of the cooldown show how long the send took: timing, as SECURITY.md says
            registeredText = registeredText.replaceAll("\\d+", "#");
            unknownText = unknownText.replaceAll("\\d+", "#");
        }
        assertThat(registeredText).as(outcome + ": the account's number reads as a number no account has").isEqualTo(unknownText);
        assertThat(registeredPage.status()).as(outcome).isEqualTo(unknownPage.status());
    }

    /** How many SMS sends a node lets be in flight at once (its bulkhead), from Keycloak's metrics. */
    private static int sendCapacity() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        return response.body().lines()
                .filter(line -> line.startsWith("sms_login_sends_in_flight_limit{") && line.contains("sender=\"aliyun\""))
                .map(line -> (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no metric sms_login_sends_in_flight_limit"));
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
        return userWithNumber(realm, national);
    }

    static String userWithNumber(String realm, String national) {
        return createUser(realm, Map.of("phoneNumber", Phones.e164(national), "phoneNumberVerified", "true"));
    }

    static String createUser(Map<String, String> attributes) {
        return createUser(realm, attributes);
    }

    static String createUser(String realm, Map<String, String> attributes) {
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
