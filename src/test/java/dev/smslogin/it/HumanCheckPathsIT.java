package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static dev.smslogin.it.AdminSteps.configureRequiredAction;
import static dev.smslogin.it.AdminSteps.createClient;
import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.createUser;
import static dev.smslogin.it.AdminSteps.registerRequiredAction;
import static dev.smslogin.it.FlowJson.step;
import static dev.smslogin.it.FlowJson.subflow;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flow's human check ({@code humanCheck=siteverify}) on every send path besides the login: the
 * {@code verify-phone-number} required action, the second factor {@code sms-otp} and the reset
 * {@code sms-reset-credentials}, each first code and each "resend": no SMS without a passed check, one with it.
 */
class HumanCheckPathsIT {

    static final String PASSWORD = "Human-check-1";
    static final String ACTION = "verify-phone-number";
    static final String SECOND_FACTOR_FLOW = "password then sms";
    static final String SECOND_FACTOR_CLIENT = "second-factor-app";
    static final String RESET_FLOW = "sms reset";
    /** The password login's client, whose "Forgot Password?" {@link PasswordResetIT#forgotPassword} follows. */
    static final String PASSWORD_CLIENT = PasswordResetIT.PASSWORD_CLIENT;
    static final String NOT_PASSED = "Please complete the verification before we send a code.";

    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static String realm;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = server.adminClient();
        aliyun = server.aliyun();
        Map<String, String> settings = Map.of("humanCheck", "siteverify", "maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1");
        FlowJson flows = FlowJson.ofExampleRealm()
                .config("sms-otp checked", settings)
                .flow(SECOND_FACTOR_FLOW, step("auth-cookie", "ALTERNATIVE"), subflow("password then sms forms", "ALTERNATIVE"))
                .subflowDefinition("password then sms forms",
                        step("auth-username-password-form", "REQUIRED"), step("sms-otp", "REQUIRED", "sms-otp checked"))
                .config("sms-reset checked", settings)
                .flow(RESET_FLOW, step("sms-reset-credentials", "REQUIRED", "sms-reset checked"), step("reset-password", "REQUIRED"));
        Map<String, Object> realmSettings = new HashMap<>(flows.realmSettings());
        realmSettings.put("resetPasswordAllowed", true);
        realmSettings.put("resetCredentialsFlow", RESET_FLOW);
        realm = createExampleRealm(admin, settings, realmSettings);
        createClient(admin.realm(realm), PASSWORD_CLIENT, "browser");
        createClient(admin.realm(realm), SECOND_FACTOR_CLIENT, SECOND_FACTOR_FLOW);
        registerRequiredAction(admin.realm(realm), ACTION, "Verify phone number");
        configureRequiredAction(admin.realm(realm), ACTION, settings);
    }

    @AfterAll
    static void drop() {
        admin.realm(realm).remove();
    }

    @Test
    @DisplayName("verify-phone-number: the phone page shows the widget; a number without a token gets no SMS, with one a code;"
            + " 'resend' without a token none, with one a second; the code verifies the number")
    void requiredAction() throws Exception {
        String national = Phones.newNational();
        String username = passwordUser(Map.of());
        Browser browser = new Browser(server);
        Page phonePage = password(browser, browser.startAction(realm, PASSWORD_CLIENT, ACTION), username);
        Page done = resendTwice(browser, sendFromPhonePage(browser, phonePage, national), national);
        assertThat(done.url()).contains("kc_action_status=success");
    }

    @Test
    @DisplayName("sms-otp: after the password no SMS until the check passes; 'resend' without a token none, with one a code;"
            + " again for a second code; the code logs in")
    void secondFactor() throws Exception {
        String national = Phones.newNational();
        String username = passwordUser(Map.of("phoneNumber", Phones.e164(national), "phoneNumberVerified", "true"));
        Browser browser = new Browser(server);
        Page codePage = password(browser, browser.startLogin(realm, SECOND_FACTOR_CLIENT), username);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(widget(codePage)).isTrue();
        assertThat(aliyun.messagesTo(national)).isEmpty();

        Page refused = browser.submit(codePage, Map.of(), "resend");
        assertThat(refused.text()).contains(NOT_PASSED);
        assertThat(aliyun.messagesTo(national)).isEmpty();
        Page sent = browser.submit(refused, Map.of("captcha_token", token()), "resend");
        assertThat(sent.isCodePage()).as(sent.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).hasSize(1);

        Page done = resendTwice(browser, sent, national);
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
    }

    @Test
    @DisplayName("sms-reset-credentials: the phone page shows the widget; the account's number without a token gets no SMS, with"
            + " one a code; 'resend' without a token none, with one a second; the code leads to the new password page")
    void reset() throws Exception {
        String national = Phones.newNational();
        passwordUser(Map.of("phoneNumber", Phones.e164(national), "phoneNumberVerified", "true"));
        Browser browser = new Browser(server);
        Page phonePage = PasswordResetIT.forgotPassword(browser, realm);
        Page newPassword = resendTwice(browser, sendFromPhonePage(browser, phonePage, national), national);
        assertThat(newPassword.document().select("input[name=password-new]")).as(newPassword.text()).hasSize(1);
    }

    /**
     * On a phone page: the widget; {@code national} without a token gets no SMS and the page says so, with one a code
     * goes out; returns its code page.
     */
    private static Page sendFromPhonePage(Browser browser, Page phonePage, String national) {
        assertThat(phonePage.isPhonePage()).as(phonePage.text()).isTrue();
        assertThat(widget(phonePage)).isTrue();
        Page refused = browser.submit(phonePage, Map.of("phone_number", national), null);
        assertThat(refused.text()).contains(NOT_PASSED);
        assertThat(aliyun.messagesTo(national)).isEmpty();
        Page codePage = browser.submit(refused, Map.of("phone_number", national, "captcha_token", token()), null);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).hasSize(1);
        return codePage;
    }

    /**
     * On the code page of {@code national} (one code sent): the widget; "resend" without a token sends nothing and
     * says so, with one a second code goes out; that code submitted: the page after it.
     */
    private static Page resendTwice(Browser browser, Page codePage, String national) throws InterruptedException {
        assertThat(widget(codePage)).as("the code page carries the check for 'resend'").isTrue();
        Thread.sleep(1100);  // the flows' resend cooldown (1 s)
        Page refused = browser.submit(codePage, Map.of(), "resend");
        assertThat(refused.isCodePage()).as(refused.text()).isTrue();
        assertThat(refused.text()).contains(NOT_PASSED);
        assertThat(aliyun.messagesTo(national)).hasSize(1);
        Page resent = browser.submit(refused, Map.of("captcha_token", token()), "resend");
        assertThat(resent.isCodePage()).as(resent.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).hasSize(2);
        return UserSteps.submitCode(browser, resent, aliyun.lastCodeTo(national));
    }

    private static Page password(Browser browser, Page loginPage, String username) {
        return browser.submit(loginPage, Map.of("username", username, "password", PASSWORD), "login");
    }

    /** A user with a password and {@code attributes}; returns the username. */
    private static String passwordUser(Map<String, String> attributes) {
        String username = "check-" + UUID.randomUUID().toString().substring(0, 8);
        String id = createUser(admin.realm(realm), username, attributes);
        admin.realm(realm).users().get(id).resetPassword(AdminSteps.password(PASSWORD));
        return username;
    }

    private static String token() {
        return "human-" + UUID.randomUUID();
    }

    private static boolean widget(Page page) {
        return !page.document().select("#kc-human-check [data-sitekey=test-site-key]").isEmpty();
    }
}
