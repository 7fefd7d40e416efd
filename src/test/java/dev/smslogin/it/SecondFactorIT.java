package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeAliyunSms.Misbehaviour;
import dev.smslogin.testing.FakeSiteVerify;
import dev.smslogin.testing.WidgetlessHumanCheckFactory;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.smslogin.it.AdminSteps.authenticatorApp;
import static dev.smslogin.it.AdminSteps.configureRequiredAction;
import static dev.smslogin.it.AdminSteps.createClient;
import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.created;
import static dev.smslogin.it.AdminSteps.failures;
import static dev.smslogin.it.AdminSteps.registerRequiredAction;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static dev.smslogin.it.FlowJson.step;
import static dev.smslogin.it.FlowJson.subflow;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sms-otp}, the SMS second factor, in the placements Keycloak's flows allow: REQUIRED after the password,
 * CONDITIONAL under "Condition - user configured", ALTERNATIVE beside OTP; real Keycloak, fake Aliyun.
 */
class SecondFactorIT {

    static final String PASSWORD = "Second-factor-1";
    static final String ACTION = "verify-phone-number";
    static final String REQUIRED_FLOW = "password then sms";
    static final String CONDITIONAL_FLOW = "password then sms if set up";
    static final String ALTERNATIVE_FLOW = "password then otp or sms";
    static final String CONDITIONAL_CLIENT = "conditional-app";
    static final String ALTERNATIVE_CLIENT = "alternative-app";
    static final String SMS_LOGIN_CLIENT = "sms-app";
    static final String HUMAN_CHECK_FLOW = "password then sms after a human check";
    static final String HUMAN_CHECK_CLIENT = "human-check-app";
    static final String WIDGETLESS_FLOW = "password then sms after a check without a widget";
    static final String WIDGETLESS_CLIENT = "widgetless-check-app";
    static final String WRONG_CODE = "That code is not correct. Check the text message and try again.";

    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static String realm;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = server.adminClient();
        aliyun = server.aliyun();
        Map<String, String> limits = Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1");
        Map<String, String> otherBrand = new HashMap<>(limits);
        otherBrand.put("smsSignName", FakeAliyunSms.OTHER_BRAND_SIGN_NAME);
        otherBrand.put("smsTemplateCode", FakeAliyunSms.OTHER_BRAND_TEMPLATE_CODE);
        FlowJson flows = FlowJson.ofExampleRealm()
                .config("sms-otp", limits)
                .config("sms-otp other brand", otherBrand)
                .flow(REQUIRED_FLOW, step("auth-cookie", "ALTERNATIVE"), subflow("password then sms forms", "ALTERNATIVE"))
                .subflowDefinition("password then sms forms",
                        step("auth-username-password-form", "REQUIRED"), step("sms-otp", "REQUIRED", "sms-otp"))
                .flow(CONDITIONAL_FLOW, step("auth-cookie", "ALTERNATIVE"), subflow("conditional forms", "ALTERNATIVE"))
                .subflowDefinition("conditional forms",
                        step("auth-username-password-form", "REQUIRED"), subflow("sms if set up", "CONDITIONAL"))
                .subflowDefinition("sms if set up",
                        step("conditional-user-configured", "REQUIRED"), step("sms-otp", "REQUIRED", "sms-otp"))
                .flow(ALTERNATIVE_FLOW, step("auth-cookie", "ALTERNATIVE"), subflow("otp or sms forms", "ALTERNATIVE"))
                .subflowDefinition("otp or sms forms",
                        step("auth-username-password-form", "REQUIRED"), subflow("otp or sms", "REQUIRED"))
                .subflowDefinition("otp or sms",
                        step("auth-otp-form", "ALTERNATIVE"), step("sms-otp", "ALTERNATIVE", "sms-otp other brand"));
        Map<String, String> humanCheck = new HashMap<>(limits);
        humanCheck.put("humanCheck", "siteverify");
        flows.config("sms-otp human check", humanCheck)
                .flow(HUMAN_CHECK_FLOW, step("auth-cookie", "ALTERNATIVE"), subflow("human check forms", "ALTERNATIVE"))
                .subflowDefinition("human check forms",
                        step("auth-username-password-form", "REQUIRED"), step("sms-otp", "REQUIRED", "sms-otp human check"));
        Map<String, String> widgetless = new HashMap<>(limits);
        widgetless.put("humanCheck", WidgetlessHumanCheckFactory.PROVIDER_ID);
        flows.config("sms-otp widgetless check", widgetless)
                .flow(WIDGETLESS_FLOW, step("auth-cookie", "ALTERNATIVE"), subflow("widgetless check forms", "ALTERNATIVE"))
                .subflowDefinition("widgetless check forms",
                        step("auth-username-password-form", "REQUIRED"), step("sms-otp", "REQUIRED", "sms-otp widgetless check"));
        Map<String, Object> settings = new HashMap<>(flows.realmSettings());
        settings.put("browserFlow", REQUIRED_FLOW);
        realm = createExampleRealm(admin, limits, settings);
        createClient(admin.realm(realm), CONDITIONAL_CLIENT, CONDITIONAL_FLOW);
        createClient(admin.realm(realm), ALTERNATIVE_CLIENT, ALTERNATIVE_FLOW);
        createClient(admin.realm(realm), SMS_LOGIN_CLIENT, "sms browser");
        createClient(admin.realm(realm), HUMAN_CHECK_CLIENT, HUMAN_CHECK_FLOW);
        createClient(admin.realm(realm), WIDGETLESS_CLIENT, WIDGETLESS_FLOW);
        registerRequiredAction(admin.realm(realm), ACTION, "Verify phone number");
        configureRequiredAction(admin.realm(realm), ACTION, Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1"));
    }

    @AfterAll
    static void drop() {
        admin.realm(realm).remove();
    }

    @Test
    @DisplayName("password, then the code texted to the verified number (masked, no other number offered): logged in;"
            + " the SMS went out in the second-factor template")
    void passwordThenCode() {
        String national = Phones.newNational();
        String username = userWithNumber(national);
        Browser browser = new Browser(server);

        Page codePage = password(browser, browser.startLogin(realm), username);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(codePage.text()).contains("Enter the code we texted you").contains(Phones.maskedForDisplay(national));
        assertThat(codePage.document().select("button[name=change_number]")).as("the number is the account's").isEmpty();
        assertThat(codePage.isPhonePage()).isFalse();
        FakeAliyunSms.Message sms = aliyun.messagesTo(national).get(aliyun.messagesTo(national).size() - 1);
        assertThat(sms.templateCode()).isEqualTo(FakeAliyunSms.TEMPLATE_CODE_SECOND_FACTOR);
        assertThat(sms.signName()).isEqualTo(FakeAliyunSms.SIGN_NAME);

        Page done = UserSteps.submitCode(browser, codePage, sms.code());
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
        assertThat(UserSteps.idToken(browser.tokens(done)).get("preferred_username").asText()).isEqualTo(username);
    }

    @Test
    @DisplayName("humanCheck=siteverify: after the password no SMS goes out until the widget's token comes with \"Resend code\";"
            + " a missing token is refused; then the code logs in")
    void humanCheckBeforeTheFirstCode() {
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page codePage = password(browser, browser.startLogin(realm, HUMAN_CHECK_CLIENT), userWithNumber(national));
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(codePage.text()).contains("Complete the verification, then choose \"Resend code\"");
        assertThat(codePage.document().select("#kc-human-check [data-sitekey=test-site-key]")).hasSize(1);
        assertThat(aliyun.messagesTo(national)).isEmpty();

        Page noToken = browser.submit(codePage, Map.of(), "resend");
        assertThat(noToken.text()).contains("Please complete the verification before we send a code.");
        assertThat(aliyun.messagesTo(national)).isEmpty();

        Page sent = browser.submit(noToken, Map.of("captcha_token", "human-mfa-" + national), "resend");
        assertThat(sent.isCodePage()).as(sent.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).hasSize(1);
        Page done = UserSteps.submitCode(browser, sent, aliyun.lastCodeTo(national));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
    }

    @Test
    @DisplayName("a humanCheck without a widget (it judges the client alone): the first code after the password goes out only"
            + " once the check passes; refused, no SMS and the code page says so; passed, the code and a login")
    void widgetlessHumanCheckBeforeTheFirstCode() throws Exception {
        FakeSiteVerify check = server.dependencies().captcha();
        String national = Phones.newNational();
        String username = userWithNumber(national);
        int asked = check.tokenlessCalls();
        Browser browser = new Browser(server);
        Page refused = password(browser, browser.startLogin(realm, WIDGETLESS_CLIENT), username);
        assertThat(aliyun.messagesTo(national)).as("the check refused the client: no SMS").isEmpty();
        assertThat(check.tokenlessCalls()).as("the check was asked").isEqualTo(asked + 1);
        assertThat(refused.isCodePage()).as(refused.text()).isTrue();
        assertThat(refused.text()).contains("Please complete the verification before we send a code.");

        check.tokenlessVerdict(true);
        try {
            Page sent = browser.submit(refused, Map.of(), "resend");
            assertThat(sent.isCodePage()).as(sent.text()).isTrue();
            assertThat(aliyun.messagesTo(national)).hasSize(1);
            Page done = UserSteps.submitCode(browser, sent, aliyun.lastCodeTo(national));
            assertThat(done.isRedirectToClient()).as(done.text()).isTrue();

            Thread.sleep(1100);  // the flow's resend cooldown (1 s)
            Browser next = new Browser(server);
            Page codePage = password(next, next.startLogin(realm, WIDGETLESS_CLIENT), username);
            assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
            assertThat(aliyun.messagesTo(national)).as("the check passes: the first code goes out at once").hasSize(2);
            assertThat(check.tokenlessCalls()).isEqualTo(asked + 3);
        } finally {
            check.tokenlessVerdict(false);
        }
    }

    @Test
    @DisplayName("back at the step in the same login (Keycloak's \"Page has expired\" after a reload, then \"continue\") the"
            + " code page shows again and no second SMS goes out; resend sends a new code after the cooldown")
    void reloadSendsNothing() throws Exception {
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page codePage = password(browser, browser.startLogin(realm), userWithNumber(national));
        Page expired = browser.get(codePage.url());
        Element resume = expired.document().getElementById("loginContinueLink");
        assertThat(resume).as(expired.text()).isNotNull();
        Page again = browser.get(resume.absUrl("href"));
        assertThat(again.isCodePage()).as(again.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).hasSize(1);

        Thread.sleep(1100);  // the flow's resend cooldown (1 s)
        Page resent = browser.submit(again, Map.of(), "resend");
        assertThat(aliyun.messagesTo(national)).hasSize(2);
        Page done = UserSteps.submitCode(browser, resent, aliyun.lastCodeTo(national));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
    }

    @Test
    @DisplayName("a wrong code is refused and counted by Keycloak's brute-force protection; the right code then logs in")
    void wrongCodeCounted() {
        String national = Phones.newNational();
        String username = userWithNumber(national);
        Browser browser = new Browser(server);
        Page codePage = password(browser, browser.startLogin(realm), username);

        Page refused = UserSteps.submitCode(browser, codePage, wrongCode(national));
        assertThat(refused.fieldError("code")).isEqualTo(WRONG_CODE);
        String id = usersWithPhone(admin.realm(realm), Phones.e164(national)).get(0).getId();
        assertThat(failures(admin.realm(realm), id)).isEqualTo(1);

        Page done = UserSteps.submitCode(browser, refused, aliyun.lastCodeTo(national));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
    }

    @Test
    @DisplayName("a REQUIRED step meets a user without a number: verify-phone-number at once in the same login (its SMS in"
            + " the verify template), then logged in; the next login asks for the SMS code")
    void requiredStepEnrols() throws Exception {
        String username = passwordUser(Map.of());
        String national = Phones.newNational();
        Browser browser = new Browser(server);

        Page phonePage = password(browser, browser.startLogin(realm), username);
        assertThat(phonePage.isPhonePage()).as("the action's phone page: " + phonePage.text()).isTrue();
        assertThat(phonePage.text()).contains("Verify your phone number");
        Page codePage = browser.submit(phonePage, Map.of("phone_number", national), null);
        assertThat(aliyun.messagesTo(national)).singleElement()
                .satisfies(m -> assertThat(m.templateCode()).isEqualTo(FakeAliyunSms.TEMPLATE_CODE_VERIFY));
        Page done = UserSteps.submitCode(browser, codePage, aliyun.lastCodeTo(national));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();

        Thread.sleep(1100);  // the realm's resend cooldown (1 s) holds for every code to the number
        Browser next = new Browser(server);
        Page secondFactor = password(next, next.startLogin(realm), username);
        assertThat(secondFactor.isCodePage()).as(secondFactor.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).hasSize(2)
                .last().satisfies(m -> assertThat(m.templateCode()).isEqualTo(FakeAliyunSms.TEMPLATE_CODE_SECOND_FACTOR));
    }

    @Test
    @DisplayName("CONDITIONAL under \"user configured\": a user without a verified number logs in with the password alone, no"
            + " SMS; a user with one gets the code")
    void conditionalPlacement() {
        Browser without = new Browser(server);
        Page done = password(without, without.startLogin(realm, CONDITIONAL_CLIENT), passwordUser(Map.of()));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();

        String national = Phones.newNational();
        Browser with = new Browser(server);
        Page codePage = password(with, with.startLogin(realm, CONDITIONAL_CLIENT), userWithNumber(national));
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(UserSteps.submitCode(with, codePage, aliyun.lastCodeTo(national)).isRedirectToClient()).isTrue();
    }

    @Test
    @DisplayName("ALTERNATIVE beside OTP: a user with both gets \"Try another way\" and can pick the SMS code, sent with the"
            + " flow's own sign name and template")
    void alternativePlacement() {
        String national = Phones.newNational();
        String username = userWithNumberAndTotp(national);
        Browser browser = new Browser(server);

        Page first = password(browser, browser.startLogin(realm, ALTERNATIVE_CLIENT), username);
        Element tryAnother = first.document().getElementById("kc-select-try-another-way-form");
        assertThat(tryAnother).as("Try another way: " + first.text()).isNotNull();
        Page choices = browser.post(tryAnother.absUrl("action"), Map.of("tryAnotherWay", "on"));
        Element sms = choices.document().select("li").stream()
                .filter(choice -> choice.text().contains("SMS code") && choice.selectFirst("form") != null)
                .findFirst().orElseThrow(() -> new AssertionError("no SMS code choice: " + choices.text()));
        Element form = sms.selectFirst("form");
        Page codePage = browser.post(form.absUrl("action"),
                Map.of("authenticationExecution", form.selectFirst("input[name=authenticationExecution]").val()));
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();

        FakeAliyunSms.Message message = aliyun.messagesTo(national).get(0);
        assertThat(message.signName()).isEqualTo(FakeAliyunSms.OTHER_BRAND_SIGN_NAME);
        assertThat(message.templateCode()).isEqualTo(FakeAliyunSms.OTHER_BRAND_TEMPLATE_CODE);
        assertThat(UserSteps.submitCode(browser, codePage, message.code()).isRedirectToClient()).isTrue();
    }

    @Test
    @DisplayName("a second-factor code does not log in at the SMS login, and a login code does not pass the second factor")
    void codesAreNotPortable() throws Exception {
        String national = Phones.newNational();
        String username = userWithNumber(national);
        Browser factor = new Browser(server);
        Page factorCodePage = password(factor, factor.startLogin(realm), username);
        String factorCode = aliyun.lastCodeTo(national);

        Thread.sleep(1100);  // the realm's resend cooldown (1 s) holds for every code to the number
        Browser login = new Browser(server);
        Page loginCodePage = login.submit(login.startLogin(realm, SMS_LOGIN_CLIENT), Map.of("phone_number", national), null);
        String loginCode = aliyun.lastCodeTo(national);
        assertThat(loginCode).isNotEqualTo(factorCode);

        assertThat(UserSteps.submitCode(login, loginCodePage, factorCode).fieldError("code")).isEqualTo(WRONG_CODE);
        assertThat(UserSteps.submitCode(factor, factorCodePage, loginCode).fieldError("code")).isEqualTo(WRONG_CODE);
    }

    @Test
    @DisplayName("the SMS cannot be sent: a clear message on the code page, no stack trace; a resend once Aliyun is back works")
    void smsCannotBeSent() throws Exception {
        String national = Phones.newNational();
        String username = userWithNumber(national);
        Browser browser = new Browser(server);
        aliyun.misbehave(Misbehaviour.httpError(503));
        Page page;
        try {
            page = password(browser, browser.startLogin(realm), username);
        } finally {
            aliyun.behave();
        }
        assertThat(page.isCodePage()).as(page.text()).isTrue();
        assertThat(page.text()).contains("Text messages cannot be sent right now. Try again later.");
        assertThat(page.body()).doesNotContain("Exception");

        Page resent = browser.submit(page, Map.of(), "resend");
        Page done = UserSteps.submitCode(browser, resent, aliyun.lastCodeTo(national));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
    }

    @Test
    @DisplayName("the account console lists the factor under two-factor authentication for a user who has it")
    void accountConsole() throws Exception {
        String national = Phones.newNational();
        String username = userWithNumber(national);
        Browser browser = new Browser(server);
        Page codePage = password(browser, browser.startLogin(realm), username);
        JsonNode tokens = browser.tokens(UserSteps.submitCode(browser, codePage, aliyun.lastCodeTo(national)));

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/realms/" + realm + "/account/credentials"))
                .header("Authorization", "Bearer " + tokens.get("access_token").asText())
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode factor = null;
        for (JsonNode type : KeycloakAdmin.JSON.readTree(response.body())) {
            if ("sms-otp".equals(type.path("type").asText())) {
                factor = type;
            }
        }
        assertThat(factor).as(response.body()).isNotNull();
        assertThat(factor.get("category").asText()).isEqualTo("two-factor");
        assertThat(factor.get("userCredentialMetadatas")).hasSize(1);
        assertThat(factor.get("userCredentialMetadatas").get(0).get("credential").get("userLabel").asText())
                .isEqualTo(Phones.maskedForDisplay(national));
    }

    // ---- steps ----

    static Page password(Browser browser, Page loginPage, String username) {
        return browser.submit(loginPage, Map.of("username", username, "password", PASSWORD), "login");
    }

    /** A password user whose number an admin set as verified; returns the username. */
    static String userWithNumber(String national) {
        return passwordUser(Map.of("phoneNumber", Phones.e164(national), "phoneNumberVerified", "true"));
    }

    static String passwordUser(Map<String, String> attributes) {
        return createUser(attributes);
    }

    /** A password user with the phone number {@code national} (verified) and an authenticator app (TOTP). */
    static String userWithNumberAndTotp(String national) {
        return createUser(Map.of("phoneNumber", Phones.e164(national), "phoneNumberVerified", "true"), authenticatorApp("JBSWY3DPEHPK3PXP"));
    }

    /** A user with a password, these attributes and {@code moreCredentials}; returns the username. */
    private static String createUser(Map<String, String> attributes, CredentialRepresentation... moreCredentials) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername("mfa-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        user.setEnabled(true);
        attributes.forEach(user::singleAttribute);
        List<CredentialRepresentation> credentials = new ArrayList<>(List.of(AdminSteps.password(PASSWORD)));
        credentials.addAll(List.of(moreCredentials));
        user.setCredentials(credentials);
        created(admin.realm(realm).users().create(user));
        return user.getUsername();
    }

    static String wrongCode(String national) {
        return aliyun.lastCodeTo(national).equals("000000") ? "111111" : "000000";
    }
}
