package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeGeetestCaptcha;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code geetest} human check (GeeTest CAPTCHA v4) on a Keycloak of its own whose options point at the local
 * GeeTest ({@link FakeGeetestCaptcha}): the widget on the phone page, the sends it lets through and those it refuses,
 * GeeTest's outage, the native-app API's fields, and the widget in headless Chromium (screenshots).
 */
class GeetestCaptchaIT {

    static final String REFUSED = "Please complete the verification before we send a code.";
    static final String UNAVAILABLE = "Sign-in by text message is temporarily unavailable. Try again in a moment.";

    static FakeGeetestCaptcha geetest;
    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static String realm;
    static final HumanCheckChromium chromium = new HumanCheckChromium();

    @BeforeAll
    static void start() throws Exception {
        geetest = FakeGeetestCaptcha.start();
        server = KeycloakServer.startWith("geetest", List.of(
                "--spi-sms-human-check--geetest--captcha-id=" + FakeGeetestCaptcha.CAPTCHA_ID,
                "--spi-sms-human-check--geetest--captcha-key=" + FakeGeetestCaptcha.CAPTCHA_KEY,
                "--spi-sms-human-check--geetest--verify-url=" + geetest.verifyUrl(),
                "--spi-sms-human-check--geetest--script-url=" + geetest.scriptUrl(),
                "--spi-sms-human-check--geetest--timeout-ms=1000"), List.of());
        admin = server.adminClient();
        aliyun = server.aliyun();
        realm = createExampleRealm(admin, Map.of("humanCheck", "geetest", "maxSendsPerIpPerHour", "1000"));
    }

    @AfterAll
    static void stop() {
        chromium.close();
        if (server != null) {
            server.close();
        }
        if (geetest != null) {
            geetest.close();
        }
    }

    @AfterEach
    void behave() {
        geetest.reset();
    }

    private static Page submitPhone(Browser browser, Page phonePage, String national, Map<String, String> captcha) {
        Map<String, String> fields = new HashMap<>(captcha);
        fields.put("phone_number", national);
        return browser.submit(phonePage, fields, null);
    }

    @Test
    @DisplayName("the phone page carries the widget: data-provider, data-captcha-id, data-lang, gt4.js from script-url and the "
            + "adapter script, which Keycloak serves; never the captcha key")
    void widgetOnThePage() throws Exception {
        Page phonePage = new Browser(server).startLogin(realm);
        Element widget = phonePage.document().selectFirst("#kc-human-check .sms-login-human-check");
        assertThat(widget).isNotNull();
        assertThat(widget.attr("data-provider")).isEqualTo("geetest");
        assertThat(widget.attr("data-captcha-id")).isEqualTo(FakeGeetestCaptcha.CAPTCHA_ID);
        assertThat(widget.attr("data-lang")).isEqualTo("en");
        assertThat(phonePage.document().select("#kc-human-check script").eachAttr("abs:src"))
                .contains(geetest.scriptUrl())
                .anySatisfy(src -> assertThat(src).endsWith("/js/sms-login-human-check-geetest.js"));
        assertThat(phonePage.body()).doesNotContain(FakeGeetestCaptcha.CAPTCHA_KEY);

        String adapterUrl = phonePage.document().select("#kc-human-check script").eachAttr("abs:src").stream()
                .filter(src -> src.endsWith("sms-login-human-check-geetest.js")).findFirst().orElseThrow();
        HttpResponse<String> adapter = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(adapterUrl)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(adapter.statusCode()).isEqualTo(200);
        assertThat(adapter.body()).contains("initGeetest4").contains("getValidate");

        Page chinese = new Browser(server, "zh-CN").startLogin(realm);
        assertThat(chinese.document().selectFirst(".sms-login-human-check").attr("data-lang")).startsWith("zh");
    }

    @Test
    @DisplayName("a passed challenge sends the code; missing, forged and reused results send nothing and say so on the page")
    void passedMissingForgedReused() {
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page phonePage = browser.startLogin(realm);

        Page missing = submitPhone(browser, phonePage, national, Map.of());
        assertThat(missing.isPhonePage()).isTrue();
        assertThat(missing.text()).contains(REFUSED);

        Map<String, String> forgedLot = new HashMap<>(geetest.solve());
        forgedLot.put("lot_number", "0123456789abcdef0123456789abcdef");
        Page forged = submitPhone(browser, missing, national, forgedLot);
        assertThat(forged.text()).as("an unknown lot_number").contains(REFUSED).doesNotContain(UNAVAILABLE);

        Map<String, String> forgedToken = new HashMap<>(geetest.solve());
        forgedToken.put("pass_token", "f".repeat(64));
        Page forgedAgain = submitPhone(browser, forged, national, forgedToken);
        assertThat(forgedAgain.text()).as("another pass_token").contains(REFUSED);
        assertThat(aliyun.messagesTo(national)).isEmpty();

        Map<String, String> passed = geetest.solve();
        Page codePage = submitPhone(browser, forgedAgain, national, passed);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).hasSize(1);

        String other = Phones.newNational();
        Browser second = new Browser(server);
        Page reused = submitPhone(second, second.startLogin(realm), other, passed);
        assertThat(reused.isPhonePage()).isTrue();
        assertThat(reused.text()).as("the same result again").contains(REFUSED);
        assertThat(aliyun.messagesTo(other)).isEmpty();
    }

    @Test
    @DisplayName("the code page carries the widget too: 'resend' with the result already used sends nothing and says so; with a "
            + "fresh one the second code goes out")
    void resendOnTheCodePage() throws Exception {
        String quick = createExampleRealm(admin, Map.of("humanCheck", "geetest", "maxSendsPerIpPerHour", "1000",
                "resendCooldownSeconds", "1"));
        try {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Map<String, String> first = geetest.solve();
            Page codePage = submitPhone(browser, browser.startLogin(quick), national, first);
            assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
            assertThat(codePage.document().select("#kc-human-check .sms-login-human-check[data-provider=geetest]")).hasSize(1);
            Thread.sleep(1500);

            Page reused = browser.submit(codePage, first, "resend");
            assertThat(reused.isCodePage()).isTrue();
            assertThat(reused.text()).contains(REFUSED);
            assertThat(aliyun.messagesTo(national)).hasSize(1);

            Page resent = browser.submit(reused, geetest.solve(), "resend");
            assertThat(resent.isCodePage()).as(resent.text()).isTrue();
            assertThat(resent.text()).doesNotContain(REFUSED);
            assertThat(aliyun.messagesTo(national)).hasSize(2);
        } finally {
            admin.realm(quick).remove();
        }
    }

    @Test
    @DisplayName("GeeTest down (503) or slower than timeout-ms: the page and the API say temporarily unavailable and send nothing; "
            + "back up, the same page sends")
    void geetestDown() {
        String national = Phones.newNational();
        String appNational = Phones.newNational();
        Browser browser = new Browser(server);
        Page phonePage = browser.startLogin(realm);
        NativeApp app = new NativeApp(server, realm);

        geetest.down(true);
        Page refused = submitPhone(browser, phonePage, national, geetest.solve());
        assertThat(refused.isPhonePage()).isTrue();
        assertThat(refused.text()).contains(UNAVAILABLE);
        assertThat(refused.body()).doesNotContain("Exception");
        NativeApp.Answer refusedByApi = sendWithCaptcha(app, appNational, geetest.solve());
        assertThat(refusedByApi.status()).isEqualTo(503);
        assertThat(refusedByApi.error()).isEqualTo("temporarily_unavailable");
        geetest.down(false);

        geetest.slow(Duration.ofMillis(2500));
        long started = System.nanoTime();
        Page slow = submitPhone(browser, refused, national, geetest.solve());
        assertThat(slow.text()).contains(UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by timeout-ms").isLessThan(Duration.ofMillis(2400));
        geetest.slow(Duration.ZERO);
        assertThat(aliyun.messagesTo(national)).isEmpty();
        assertThat(aliyun.messagesTo(appNational)).isEmpty();

        Page codePage = submitPhone(browser, slow, national, geetest.solve());
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).hasSize(1);
        assertThat(server.logText()).contains("human check unavailable").doesNotContain(FakeGeetestCaptcha.CAPTCHA_KEY);
    }

    @Test
    @DisplayName("the native-app API takes lot_number, captcha_output, pass_token, gen_time: a fresh result sends (200), none, a "
            + "forged or a reused one is refused (400) and sends nothing")
    void nativeAppApi() {
        NativeApp app = new NativeApp(server, realm);
        String national = Phones.newNational();
        NativeApp.Answer without = app.sendCode(national);
        assertThat(without.status()).isEqualTo(400);
        assertThat(without.error()).isEqualTo("invalid_request");

        Map<String, String> forged = new HashMap<>(geetest.solve());
        forged.put("captcha_output", "00");
        assertThat(sendWithCaptcha(app, national, forged).status()).isEqualTo(400);
        assertThat(aliyun.messagesTo(national)).isEmpty();

        Map<String, String> passed = geetest.solve();
        NativeApp.Answer sent = sendWithCaptcha(app, national, passed);
        assertThat(sent.status()).as(sent.json().toString()).isEqualTo(200);
        assertThat(aliyun.messagesTo(national)).hasSize(1);

        String other = Phones.newNational();
        assertThat(sendWithCaptcha(app, other, passed).status()).as("reused").isEqualTo(400);
        assertThat(aliyun.messagesTo(other)).isEmpty();
    }

    private static NativeApp.Answer sendWithCaptcha(NativeApp app, String national, Map<String, String> captcha) {
        return app.post(app.codesUrl(), NativeApp.form("client_id", NativeApp.CLIENT_ID, "phone_number", national,
                "lot_number", captcha.getOrDefault("lot_number", ""), "captcha_output", captcha.getOrDefault("captcha_output", ""),
                "pass_token", captcha.getOrDefault("pass_token", ""), "gen_time", captcha.getOrDefault("gen_time", "")), Map.of());
    }

    // ---- in Chromium ----

    @ParameterizedTest(name = "{0}")
    @CsvSource({"en, Security check", "zh-CN, 安全验证"})
    @DisplayName("in Chromium: 'send' opens GeeTest's challenge in the page's language and sends nothing yet; passing it submits "
            + "the form and the code goes out (screenshots)")
    void widgetInChromium(String language, String title) throws Exception {
        WebDriverWait wait = chromium.fresh();
        WebDriver driver = chromium.driver();
        String national = Phones.newNational();
        chromium.openLogin(server, realm, language);
        WebElement phone = wait.until(d -> d.findElement(By.id("phone_number")));
        wait.until(d -> "true".equals(d.findElement(By.cssSelector(".sms-login-human-check")).getAttribute("data-ready")));
        phone.sendKeys(national);
        driver.findElement(By.id("kc-send-code")).click();

        WebElement box = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("fake-geetest-box")));
        assertThat(box.getText()).contains(title);
        chromium.screenshot("sms-login-phone-geetest-desktop-" + language);
        assertThat(aliyun.messagesTo(national)).as("nothing before the challenge is passed").isEmpty();

        int passes = geetest.passes();
        driver.findElement(By.id("fake-geetest-verify")).click();
        wait.until(d -> d.findElement(By.id("code")));
        assertThat(aliyun.messagesTo(national)).hasSize(1);
        assertThat(geetest.passes()).as("the server validated the widget's result").isEqualTo(passes + 1);
    }

    @Test
    @DisplayName("in Chromium, gt4.js not loading: 'send' still submits, the server refuses with the verification message, no SMS")
    void scriptDoesNotLoad() throws Exception {
        WebDriverWait wait = chromium.fresh();
        WebDriver driver = chromium.driver();
        geetest.scriptMissing(true);
        String national = Phones.newNational();
        int loads = geetest.scriptLoads();
        chromium.openLogin(server, realm, "en");
        WebElement phone = wait.until(d -> d.findElement(By.id("phone_number")));
        phone.sendKeys(national);
        WebElement page = driver.findElement(By.tagName("html"));
        driver.findElement(By.id("kc-send-code")).click();
        wait.until(ExpectedConditions.stalenessOf(page));
        wait.until(d -> d.findElement(By.tagName("body")).getText().contains(REFUSED));
        assertThat(geetest.scriptLoads()).as("the page asked for gt4.js").isGreaterThan(loads);
        assertThat(driver.findElements(By.id("code"))).isEmpty();
        assertThat(aliyun.messagesTo(national)).isEmpty();
    }
}
