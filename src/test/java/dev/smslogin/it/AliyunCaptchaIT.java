package dev.smslogin.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunCaptcha;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeVendorApi.Misbehaviour;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.admin.client.Keycloak;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.UserSteps.submitCode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Human check {@code aliyun-captcha} (Aliyun CAPTCHA 2.0) on a real Keycloak whose provider options point at
 * {@link FakeAliyunCaptcha}: the phone page and its resend, and the native-app API, post the widget's
 * {@code CaptchaVerifyParam} in {@code captcha_verify_param} as the adapter script and the apps' SDKs do.
 */
class AliyunCaptchaIT {

    static final String FIELD = "captcha_verify_param";
    static final String FAILED = "Please complete the verification before we send a code.";
    static final String UNAVAILABLE = OutageIT.UNAVAILABLE;
    static final int TIMEOUT_MS = 1000;

    static FakeAliyunCaptcha captcha;
    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static final HumanCheckChromium chromium = new HumanCheckChromium();

    @BeforeAll
    static void start() throws Exception {
        captcha = FakeAliyunCaptcha.start();
        server = KeycloakServer.startWith("aliyun-captcha", List.of(
                "--spi-sms-human-check--aliyun-captcha--access-key-id=" + FakeAliyunCaptcha.ACCESS_KEY_ID,
                "--spi-sms-human-check--aliyun-captcha--access-key-secret=" + FakeAliyunCaptcha.ACCESS_KEY_SECRET,
                "--spi-sms-human-check--aliyun-captcha--scene-id=" + FakeAliyunCaptcha.SCENE_ID,
                "--spi-sms-human-check--aliyun-captcha--prefix=" + FakeAliyunCaptcha.PREFIX,
                "--spi-sms-human-check--aliyun-captcha--endpoint=" + captcha.endpoint(),
                "--spi-sms-human-check--aliyun-captcha--protocol=http",
                "--spi-sms-human-check--aliyun-captcha--script-url=" + captcha.scriptUrl(),
                "--spi-sms-human-check--aliyun-captcha--timeout-ms=" + TIMEOUT_MS), List.of());
        admin = server.adminClient();
        aliyun = server.aliyun();
    }

    @AfterAll
    static void stop() {
        chromium.close();
        if (server != null) {
            server.close();
        }
        if (captcha != null) {
            captcha.close();
        }
    }

    @BeforeEach
    void reset() {
        captcha.reset();
    }

    private static String realm() {
        return createExampleRealm(admin, Map.of("humanCheck", "aliyun-captcha", "maxSendsPerIpPerHour", "1000",
                "resendCooldownSeconds", "1"));
    }

    @Test
    @DisplayName("the phone page carries the widget; a passed check sends the code, its resend needs another; a missing, "
            + "made-up or reused CaptchaVerifyParam sends nothing and the page says so; every call is signed as Aliyun checks")
    void passedCheckSends() throws Exception {
        String realm = realm();
        try {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page phonePage = browser.startLogin(realm);
            assertThat(phonePage.isPhonePage()).as(phonePage.text()).isTrue();
            assertThat(phonePage.body()).as("the page hook: provider, scene, prefix, adapter")
                    .contains("aliyun-captcha").contains(FakeAliyunCaptcha.SCENE_ID).contains(FakeAliyunCaptcha.PREFIX)
                    .contains("sms-login-human-check-aliyun-captcha.js")
                    .doesNotContain(FakeAliyunCaptcha.ACCESS_KEY_SECRET);

            Page missing = browser.submit(phonePage, Map.of("phone_number", national), null);
            assertThat(missing.isPhonePage()).isTrue();
            assertThat(missing.text()).contains(FAILED);
            Page forged = browser.submit(missing, Map.of("phone_number", national, FIELD, FakeAliyunCaptcha.forged()), null);
            assertThat(forged.text()).contains(FAILED);
            assertThat(aliyun.messagesTo(national)).isEmpty();

            String passed = captcha.issue();
            Page codePage = browser.submit(forged, Map.of("phone_number", national, FIELD, passed), null);
            assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
            assertThat(aliyun.messagesTo(national)).hasSize(1);

            // the same parameter again, by a script replaying it for another number: nothing sent
            String other = Phones.newNational();
            Browser replayer = new Browser(server);
            Page replayed = replayer.submit(replayer.startLogin(realm), Map.of("phone_number", other, FIELD, passed), null);
            assertThat(replayed.text()).contains(FAILED);
            assertThat(aliyun.messagesTo(other)).isEmpty();

            // the resend asks for a fresh check too
            Thread.sleep(1100);
            Page resendReused = browser.submit(codePage, Map.of(FIELD, passed), "resend");
            assertThat(resendReused.text()).contains(FAILED);
            assertThat(aliyun.messagesTo(national)).hasSize(1);
            Page resent = browser.submit(resendReused, Map.of(FIELD, captcha.issue()), "resend");
            assertThat(resent.isCodePage()).as(resent.text()).isTrue();
            assertThat(aliyun.messagesTo(national)).hasSize(2);
            assertThat(submitCode(browser, resent, aliyun.lastCodeTo(national)).isRedirectToClient()).isTrue();

            assertThat(captcha.rejections()).as("requests Aliyun would refuse").isEmpty();
            assertThat(captcha.verifications()).as("no call without a parameter").extracting(FakeAliyunCaptcha.Verification::verifyCode)
                    .containsExactly("F001", "T001", "F008", "F008", "T001");
            assertThat(captcha.verifications()).allSatisfy(v -> assertThat(v.sceneId()).isEqualTo(FakeAliyunCaptcha.SCENE_ID));
        } finally {
            admin.realm(realm).remove();
        }
    }

    @Test
    @DisplayName("Aliyun CAPTCHA down, answering an error code, hanging up or slower than timeout-ms: the page and the API say "
            + "temporarily unavailable within the timeout and send nothing; back up: the same page sends the code")
    void outagesFailClosed() {
        String realm = realm();
        try {
            NativeApp app = new NativeApp(server, realm);
            List<String> issued = new ArrayList<>();
            for (Misbehaviour fault : List.of(FakeAliyunCaptcha.down(), FakeAliyunCaptcha.errorCode(400, "Throttling.User"),
                    Misbehaviour.hangUp(), Misbehaviour.slow(Duration.ofSeconds(4)))) {
                captcha.misbehave(fault);
                String national = Phones.newNational();
                Browser browser = new Browser(server);
                Page phonePage = browser.startLogin(realm);
                String param = captcha.issue();
                issued.add(param);
                long started = System.nanoTime();
                Page refused = browser.submit(phonePage, Map.of("phone_number", national, FIELD, param), null);
                long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
                assertThat(refused.text()).as(fault.toString()).contains(UNAVAILABLE);
                assertThat(refused.body()).doesNotContain("Exception");
                assertThat(millis).as("answered within the timeout (" + fault + ")").isLessThan(TIMEOUT_MS + 1800L);

                String appNational = Phones.newNational();
                NativeApp.Answer api = app.post(app.codesUrl(), NativeApp.form("client_id", NativeApp.CLIENT_ID,
                        "phone_number", appNational, FIELD, captcha.issue()), Map.of());
                assertThat(api.status()).as(fault.toString()).isEqualTo(503);
                assertThat(api.error()).isEqualTo("temporarily_unavailable");
                assertThat(aliyun.messagesTo(national)).isEmpty();
                assertThat(aliyun.messagesTo(appNational)).isEmpty();
            }

            captcha.behave();
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page codePage = browser.submit(browser.startLogin(realm), Map.of("phone_number", national, FIELD, captcha.issue()), null);
            assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
            assertThat(aliyun.messagesTo(national)).hasSize(1);

            String log = server.logText();
            assertThat(log).contains("human check unavailable");
            assertThat(log).doesNotContain(FakeAliyunCaptcha.ACCESS_KEY_SECRET);
            for (String param : issued) {
                assertThat(log).as("the parameter is never logged").doesNotContain(param.substring(param.indexOf("deviceToken")));
            }
        } finally {
            captcha.behave();
            admin.realm(realm).remove();
        }
    }

    @Test
    @DisplayName("native-app API: captcha_verify_param in the form or the JSON body sends the code; without it, or reused, "
            + "400 invalid_request and nothing sent")
    void nativeAppApi() throws Exception {
        String realm = realm();
        try {
            NativeApp app = new NativeApp(server, realm);
            String national = Phones.newNational();
            NativeApp.Answer without = app.sendCode(national);
            assertThat(without.status()).isEqualTo(400);
            assertThat(without.error()).isEqualTo("invalid_request");
            assertThat(aliyun.messagesTo(national)).isEmpty();

            String passed = captcha.issue();
            NativeApp.Answer sent = app.post(app.codesUrl(), NativeApp.form("client_id", NativeApp.CLIENT_ID, "phone_number", national,
                    FIELD, passed), Map.of());
            assertThat(sent.status()).as(sent.json().toString()).isEqualTo(200);
            assertThat(aliyun.messagesTo(national)).hasSize(1);

            String other = Phones.newNational();
            NativeApp.Answer reused = app.post(app.codesUrl(), NativeApp.form("client_id", NativeApp.CLIENT_ID, "phone_number", other,
                    FIELD, passed), Map.of());
            assertThat(reused.status()).isEqualTo(400);
            assertThat(reused.error()).isEqualTo("invalid_request");
            assertThat(aliyun.messagesTo(other)).isEmpty();

            ObjectNode json = KeycloakAdmin.JSON.createObjectNode().put("client_id", NativeApp.CLIENT_ID).put("phone_number", other)
                    .put(FIELD, captcha.issue());
            NativeApp.Answer sentJson = app.send(HttpRequest.newBuilder(URI.create(app.codesUrl()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(KeycloakAdmin.JSON.writeValueAsString(json))));
            assertThat(sentJson.status()).as(sentJson.json().toString()).isEqualTo(200);
            assertThat(aliyun.messagesTo(other)).hasSize(1);
            assertThat(submitToken(app, other)).isEqualTo(200);
            assertThat(captcha.rejections()).isEmpty();
        } finally {
            admin.realm(realm).remove();
        }
    }

    /** The second call of the API: tokens for the code that arrived. */
    private static int submitToken(NativeApp app, String national) {
        return app.token(national, aliyun.lastCodeTo(national)).status();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"en, Please complete the security verification", "zh-CN, 请完成安全验证"})
    @DisplayName("in Chromium: the adapter sets AliyunCaptchaConfig before it loads the widget's script; 'send' opens the popup in "
            + "the page's language and sends nothing yet; passing it submits captcha_verify_param and the code goes out (screenshots)")
    void widgetInChromium(String language, String title) throws Exception {
        String realm = realm();
        try {
            WebDriverWait wait = chromium.fresh();
            WebDriver driver = chromium.driver();
            String national = Phones.newNational();
            int loads = captcha.scriptLoads();
            chromium.openLogin(server, realm, language);
            WebElement phone = wait.until(d -> d.findElement(By.id("phone_number")));
            // the stand-in, as Aliyun's script, starts only with the global configuration set before it loaded
            wait.until(d -> "popup".equals(d.findElement(By.id("sms-login-aliyun-captcha-element")).getAttribute("data-fake-aliyun-captcha")));
            assertThat(captcha.scriptLoads()).isGreaterThan(loads);
            phone.sendKeys(national);
            driver.findElement(By.id("kc-send-code")).click();

            WebElement box = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("fake-aliyun-captcha-box")));
            assertThat(box.getText()).contains(title);
            chromium.screenshot("sms-login-phone-aliyun-captcha-desktop-" + language);
            assertThat(aliyun.messagesTo(national)).as("nothing before the popup is passed").isEmpty();

            driver.findElement(By.id("fake-aliyun-captcha-verify")).click();
            wait.until(d -> d.findElement(By.id("code")));
            assertThat(aliyun.messagesTo(national)).hasSize(1);
            assertThat(captcha.verifications()).extracting(FakeAliyunCaptcha.Verification::verifyCode).containsExactly("T001");
            assertThat(captcha.rejections()).isEmpty();
        } finally {
            admin.realm(realm).remove();
        }
    }
}
