package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.UserRepresentation;

import java.util.List;
import java.util.Map;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.createUser;
import static dev.smslogin.it.AdminSteps.detail;
import static dev.smslogin.it.AdminSteps.events;
import static dev.smslogin.it.AdminSteps.failures;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static dev.smslogin.it.UserSteps.idToken;
import static dev.smslogin.it.UserSteps.submitCode;
import static dev.smslogin.it.UserSteps.submitPhone;
import static org.assertj.core.api.Assertions.assertThat;

/** End to end on a real Keycloak running the built jar, with the real Redis and the fake Aliyun endpoint. */
class SmsLoginFlowIT {

    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static String realm;
    /** Same settings but a 10 s cooldown, for scenarios that log one number in several times. */
    static String fastRealm;

    @BeforeAll
    static void realm() {
        server = KeycloakServer.get();
        admin = server.adminClient();
        aliyun = server.aliyun();
        realm = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "10000"));
        fastRealm = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "10"));
    }

    @AfterAll
    static void dropRealm() {
        admin.realm(realm).remove();
        admin.realm(fastRealm).remove();
    }

    static String logIn(String realm, String national) {
        return UserSteps.logIn(server, realm, national);
    }

    // ---- scenarios ----

    @Test
    @DisplayName("a number never seen before signs up: one SMS, the code, straight into the client with phone claims")
    void signUpOfNewNumber() {
        String national = Phones.newNational();
        Browser browser = new Browser(server);

        Page codePage = submitPhone(browser, realm, national);
        assertThat(codePage.isCodePage()).isTrue();
        assertThat(codePage.text()).contains("+86 139****" + national.substring(7));
        assertThat(aliyun.messagesTo(national)).hasSize(1);

        Page done = submitCode(browser, codePage, aliyun.lastCodeTo(national));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();

        JsonNode claims = idToken(browser.tokens(done));
        assertThat(claims.get("phone_number").asText()).isEqualTo(Phones.e164(national));
        assertThat(claims.get("phone_number_verified").asBoolean()).isTrue();

        List<UserRepresentation> users = usersWithPhone(admin.realm(realm), Phones.e164(national));
        assertThat(users).singleElement().satisfies(u -> {
            assertThat(u.getId()).isEqualTo(claims.get("sub").asText());
            assertThat(u.firstAttribute("phoneNumber")).isEqualTo(Phones.e164(national));
            assertThat(u.firstAttribute("phoneNumberVerified")).isEqualTo("true");
        });
        String userId = users.get(0).getId();
        assertThat(events(admin.realm(realm), "REGISTER")).anySatisfy(e -> {
            assertThat(e.getUserId()).isEqualTo(userId);
            assertThat(e.getDetails().get("phone_number")).isEqualTo("+86139****" + national.substring(7));
        });
        assertThat(events(admin.realm(realm), "LOGIN")).anySatisfy(e -> assertThat(e.getUserId()).isEqualTo(userId));
        assertThat(aliyun.rejections()).isEmpty();
    }

    @Test
    @DisplayName("the same number in every common form logs into the one user it created")
    void returningLoginInEveryForm() {
        String national = Phones.newNational();
        String first = logIn(fastRealm, national);
        for (String typed : List.of("+86 " + national.substring(0, 3) + " " + national.substring(3, 7) + " " + national.substring(7),
                "0086" + national, "+86" + national, national)) {
            waitOutCooldown();
            Browser browser = new Browser(server);
            Page codePage = submitPhone(browser, fastRealm, typed);
            Page done = submitCode(browser, codePage, aliyun.lastCodeTo(national));
            assertThat(idToken(browser.tokens(done)).get("sub").asText()).as("typed " + typed).isEqualTo(first);
        }
        assertThat(usersWithPhone(admin.realm(fastRealm), Phones.e164(national))).hasSize(1);
    }

    @Test
    @DisplayName("a wrong code: field error, LOGIN_ERROR event, no login; the right code still works")
    void wrongCode() {
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page codePage = submitPhone(browser, realm, national);
        String right = aliyun.lastCodeTo(national);
        String wrong = right.equals("000000") ? "111111" : "000000";

        Page after = submitCode(browser, codePage, wrong);
        assertThat(after.isCodePage()).isTrue();
        assertThat(after.fieldError("code")).isEqualTo("That code is not correct. Check the text message and try again.");
        assertThat(events(admin.realm(realm), "LOGIN_ERROR")).anySatisfy(e ->
                assertThat(detail(e, "phone_number")).isEqualTo("+86139****" + national.substring(7)));

        assertThat(submitCode(browser, after, right).isRedirectToClient()).isTrue();
    }

    @Test
    @DisplayName("the code field refuses anything but the configured number of digits, without using an attempt")
    void malformedCode() {
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page codePage = submitPhone(browser, realm, national);
        for (String typed : List.of("", "12345", "1234567", "abcdef", "１２３４５６", "<b>12</b>", "9".repeat(50_000))) {
            codePage = submitCode(browser, codePage, typed);
            assertThat(codePage.fieldError("code")).isEqualTo("Enter the 6-digit code from the text message.");
            assertThat(codePage.body()).doesNotContain("<b>12</b>");
        }
        assertThat(submitCode(browser, codePage, aliyun.lastCodeTo(national)).isRedirectToClient()).isTrue();
    }

    @Test
    @DisplayName("after maxAttemptsPerCode wrong codes the code is burned: the right one no longer works")
    void burnedCode() {
        String burnRealm = createExampleRealm(admin, Map.of("maxAttemptsPerCode", "3", "maxSendsPerIpPerHour", "1000"));
        try {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page page = submitPhone(browser, burnRealm, national);
            String right = aliyun.lastCodeTo(national);
            String wrong = right.equals("000000") ? "111111" : "000000";
            page = submitCode(browser, page, wrong);
            page = submitCode(browser, page, wrong);
            page = submitCode(browser, page, wrong);
            assertThat(page.fieldError("code")).isEqualTo("Too many wrong codes. Ask for a new code.");
            page = submitCode(browser, page, right);
            assertThat(page.isRedirectToClient()).isFalse();
            assertThat(page.fieldError("code")).isEqualTo("This code has expired or was already used. Ask for a new code.");
            assertThat(usersWithPhone(admin.realm(burnRealm), Phones.e164(national))).isEmpty();
        } finally {
            admin.realm(burnRealm).remove();
        }
    }

    @Test
    @DisplayName("a code used once cannot log in again, from another browser")
    void replayedCode() {
        String national = Phones.newNational();
        Browser first = new Browser(server);
        Page codePage = submitPhone(first, realm, national);
        String code = aliyun.lastCodeTo(national);
        assertThat(submitCode(first, codePage, code).isRedirectToClient()).isTrue();

        Browser attacker = new Browser(server);
        Page attackerCodePage = submitPhone(attacker, realm, national);
        assertThat(aliyun.messagesTo(national)).as("still in cooldown: no second SMS").hasSize(1);
        Page replay = submitCode(attacker, attackerCodePage, code);
        assertThat(replay.isRedirectToClient()).isFalse();
        assertThat(replay.fieldError("code")).isEqualTo("This code has expired or was already used. Ask for a new code.");
    }

    @Test
    @DisplayName("a code asked for in one browser does not work in another")
    void codeFromAnotherSession() {
        String national = Phones.newNational();
        Browser owner = new Browser(server);
        Page ownerCodePage = submitPhone(owner, realm, national);
        String code = aliyun.lastCodeTo(national);

        Browser other = new Browser(server);
        Page otherCodePage = submitPhone(other, realm, national);
        Page stolen = submitCode(other, otherCodePage, code);
        assertThat(stolen.isRedirectToClient()).isFalse();
        assertThat(stolen.fieldError("code")).isEqualTo("This code has expired or was already used. Ask for a new code.");

        assertThat(submitCode(owner, ownerCodePage, code).isRedirectToClient()).as("the owner's session still works").isTrue();
    }

    @Test
    @DisplayName("resend within the cooldown is refused with the time left; reloading the page sends nothing")
    void resendCooldownAndReload() {
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page codePage = submitPhone(browser, realm, national);
        assertThat(codePage.document().getElementById("kc-resend").attr("data-wait-seconds")).isIn("59", "60");

        Page resend = browser.submit(codePage, Map.of(), "resend");
        assertThat(resend.isCodePage()).isTrue();
        assertThat(resend.text()).containsPattern("You can ask for a new one in (59|60) seconds");
        Page reload = browser.get(resend.url());
        assertThat(reload.isCodePage()).isTrue();
        assertThat(aliyun.messagesTo(national)).hasSize(1);
    }

    @Test
    @DisplayName("after the cooldown a resend sends a new code and the old one stops working")
    void resendAfterCooldown() throws Exception {
        String fastRealm = createExampleRealm(admin, Map.of("resendCooldownSeconds", "10", "maxSendsPerIpPerHour", "1000"));
        try {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page codePage = submitPhone(browser, fastRealm, national);
            String old = aliyun.lastCodeTo(national);
            Thread.sleep(10_500);
            Page resent = browser.submit(codePage, Map.of(), "resend");
            assertThat(aliyun.messagesTo(national)).hasSize(2);
            String fresh = aliyun.lastCodeTo(national);
            if (!old.equals(fresh)) {
                Page withOld = submitCode(browser, resent, old);
                assertThat(withOld.isRedirectToClient()).isFalse();
                resent = withOld;
            }
            assertThat(submitCode(browser, resent, fresh).isRedirectToClient()).isTrue();
        } finally {
            admin.realm(fastRealm).remove();
        }
    }

    @Test
    @DisplayName("a code older than codeTtlSeconds has expired")
    void expiredCode() throws Exception {
        String shortRealm = createExampleRealm(admin, Map.of("codeTtlSeconds", "30", "maxSendsPerIpPerHour", "1000"));
        try {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page codePage = submitPhone(browser, shortRealm, national);
            String code = aliyun.lastCodeTo(national);
            Thread.sleep(31_000);
            Page late = submitCode(browser, codePage, code);
            assertThat(late.isRedirectToClient()).isFalse();
            assertThat(late.fieldError("code")).isEqualTo("This code has expired or was already used. Ask for a new code.");
        } finally {
            admin.realm(shortRealm).remove();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1391234567", "<script>alert('x')</script>", "010 6552 9988", "+852 5123 4567", "+881 6 12345678"})
    @DisplayName("bad numbers get a field error on the phone page and no SMS")
    void badNumbers(String typed) {
        int before = aliyun.messages().size();
        Page page = submitPhone(new Browser(server), realm, typed);
        assertThat(page.isPhonePage()).isTrue();
        assertThat(page.fieldError("phone_number")).isIn(
                "Enter a valid mobile number.",
                "This number cannot receive text messages. Enter a mobile number.",
                "Numbers from this country or region cannot be used here.");
        assertThat(page.body()).doesNotContain("<script>alert('x')</script>");
        assertThat(aliyun.messages()).hasSize(before);
    }

    @Test
    void eachRejectionHasItsOwnMessage() {
        assertThat(submitPhone(new Browser(server), realm, "abc").fieldError("phone_number")).isEqualTo("Enter a valid mobile number.");
        assertThat(submitPhone(new Browser(server), realm, "010 6552 9988").fieldError("phone_number"))
                .isEqualTo("This number cannot receive text messages. Enter a mobile number.");
        assertThat(submitPhone(new Browser(server), realm, "+852 5123 4567").fieldError("phone_number"))
                .isEqualTo("Numbers from this country or region cannot be used here.");
    }

    @Test
    @DisplayName("a long phone field is refused like any malformed number; one beyond Keycloak's form limit gets 413; no SMS")
    void hugePhoneField() {
        int before = aliyun.messages().size();
        Browser browser = new Browser(server);
        Page phonePage = browser.startLogin(realm);
        Page page = browser.submit(phonePage, Map.of("phone_number", "1".repeat(2_000)), null);
        assertThat(page.fieldError("phone_number")).isEqualTo("Enter a valid mobile number.");
        assertThat(page.document().getElementById("phone_number").attr("value")).as("not echoed back").isEmpty();

        Page tooLarge = browser.submit(page, Map.of("phone_number", "1".repeat(200_000)), null);
        assertThat(tooLarge.status()).as("refused by Keycloak's HTTP layer before the flow").isEqualTo(413);
        assertThat(aliyun.messages()).hasSize(before);

        String national = Phones.newNational();
        Page codePage = browser.submit(page, Map.of("phone_number", national), null);
        assertThat(codePage.isCodePage()).as("the same login goes on").isTrue();
    }

    @Test
    @DisplayName("Aliyun refusing or failing: a clear message, no code page, and the number can be tried again at once")
    void aliyunFailures() {
        String national = Phones.newNational();
        try {
            aliyun.misbehave(FakeAliyunSms.Misbehaviour.businessError("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5"));
            Page limited = submitPhone(new Browser(server), realm, national);
            assertThat(limited.isPhonePage()).isTrue();
            assertThat(limited.text()).contains("The SMS service refused more codes for now. Try again later.");

            aliyun.misbehave(FakeAliyunSms.Misbehaviour.businessError("isv.MOBILE_NUMBER_ILLEGAL", "invalid"));
            Page illegal = submitPhone(new Browser(server), realm, national);
            assertThat(illegal.fieldError("phone_number")).isEqualTo("We could not send a text message to this number. Check the number and try again.");

            aliyun.misbehave(FakeAliyunSms.Misbehaviour.httpError(503));
            Page down = submitPhone(new Browser(server), realm, national);
            assertThat(down.text()).contains("Text messages cannot be sent right now. Try again later.");
            assertThat(down.body()).doesNotContain("Exception").doesNotContain("ServiceUnavailable");
        } finally {
            aliyun.behave();
        }
        assertThat(aliyun.messagesTo(national)).isEmpty();
        assertThat(logIn(realm, national)).as("no cooldown left behind by the failed sends").isNotBlank();
    }

    @Test
    @DisplayName("change_number goes back to the phone page")
    void changeNumber() {
        Browser browser = new Browser(server);
        Page codePage = submitPhone(browser, realm, Phones.newNational());
        Page phonePage = browser.submit(codePage, Map.of(), "change_number");
        assertThat(phonePage.isPhonePage()).isTrue();
        assertThat(browser.get(phonePage.url()).isPhonePage()).as("and stays there on reload").isTrue();
    }

    @Test
    @DisplayName("the pages speak Simplified Chinese to a zh-CN browser")
    void simplifiedChinese() {
        Browser browser = new Browser(server, "zh-CN,zh;q=0.9");
        Page phonePage = browser.startLogin(realm);
        assertThat(phonePage.text()).contains("手机号");
        Page error = browser.submit(phonePage, Map.of("phone_number", "abc"), null);
        assertThat(error.fieldError("phone_number")).isEqualTo("请输入有效的手机号。");
    }

    @Test
    @DisplayName("with allowRegistration=false an unknown number cannot log in and no user is created")
    void registrationClosed() {
        String closedRealm = createExampleRealm(admin, Map.of("allowRegistration", "false", "maxSendsPerIpPerHour", "1000"));
        try {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page codePage = submitPhone(browser, closedRealm, national);
            Page after = submitCode(browser, codePage, aliyun.lastCodeTo(national));
            assertThat(after.isRedirectToClient()).isFalse();
            assertThat(usersWithPhone(admin.realm(closedRealm), Phones.e164(national))).isEmpty();

            String existing = Phones.newNational();
            String userId = createUser(admin.realm(closedRealm), "existing-" + existing, Map.of("phoneNumber", Phones.e164(existing), "phoneNumberVerified", "true"));
            assertThat(logIn(closedRealm, existing)).as("a known number still logs in").isEqualTo(userId);
        } finally {
            admin.realm(closedRealm).remove();
        }
    }

    @Test
    @DisplayName("an admin moves a user to a new number and vouches for it: the new number logs into that user, the old one is a stranger")
    void numberChangedByAdmin() {
        String old = Phones.newNational();
        String moved = Phones.newNational();
        String userId = logIn(fastRealm, old);
        UserResource user = admin.realm(fastRealm).users().get(userId);
        String username = user.toRepresentation().getUsername();
        // the change leaves the new number unverified (issue 26, finding 2); a later edit vouches for it
        UserSteps.moveNumber(user, Phones.e164(moved));

        assertThat(user.toRepresentation().getUsername()).as("the username stays as it was").isEqualTo(username);
        assertThat(logIn(fastRealm, moved)).isEqualTo(userId);
        waitOutCooldown();
        String newcomer = logIn(fastRealm, old);
        assertThat(newcomer).as("the old number signs up anew").isNotEqualTo(userId);
        assertThat(admin.realm(fastRealm).users().get(newcomer).toRepresentation().getUsername())
                .as("the old number's first name is the moved user's: the next of the number's sequence")
                .startsWith("phone-").isNotEqualTo(username).doesNotContain(old.substring(3));
        waitOutCooldown();
        assertThat(logIn(fastRealm, old)).as("and logs in again as the newcomer").isEqualTo(newcomer);
    }

    @Test
    @DisplayName("wrong codes for an existing user count in Keycloak's brute-force protection; the right code clears them")
    void bruteForceCountsWrongCodes() {
        String national = Phones.newNational();
        String userId = logIn(fastRealm, national);
        waitOutCooldown();
        Browser browser = new Browser(server);
        Page codePage = submitPhone(browser, fastRealm, national);
        String right = aliyun.lastCodeTo(national);
        String wrong = right.equals("000000") ? "111111" : "000000";
        Page afterOneWrongCode = submitCode(browser, codePage, wrong);
        sleep(1_500);   // two failures within a second would trip Keycloak's quick-login check (a 60 s lockout)
        Page afterWrongCodes = submitCode(browser, afterOneWrongCode, wrong);
        assertThat(awaitFailures(userId, n -> n >= 2)).isGreaterThanOrEqualTo(2);

        assertThat(submitCode(browser, afterWrongCodes, right).isRedirectToClient()).isTrue();
        assertThat(awaitFailures(userId, n -> n == 0)).as("a right code resets the count").isZero();
    }

    @Test
    @DisplayName("the server log never holds a code or a full phone number")
    void logsAreMasked() {
        String national = Phones.newNational();
        logIn(realm, national);
        String code = aliyun.lastCodeTo(national);
        String log = server.logText();
        assertThat(log).doesNotContain(national);
        assertThat(log).doesNotContain("SMS login code for").doesNotContain(FakeAliyunSms.ACCESS_KEY_SECRET);    // the log sender's line
        assertThat(log.lines().filter(l -> l.contains("dev.smslogin") && l.contains(code))).isEmpty();
    }

    /** The user's brute-force count once it is {@code expected} (or after 5 s). */
    private static int awaitFailures(String userId, java.util.function.IntPredicate expected) {
        int failures = -1;
        for (int i = 0; i < 50; i++) {
            failures = failures(admin.realm(fastRealm), userId);
            if (expected.test(failures)) {
                return failures;
            }
            sleep(100);
        }
        return failures;
    }

    /** The fast realm's resend cooldown is 10 s. */
    private static void waitOutCooldown() {
        sleep(10_200);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
