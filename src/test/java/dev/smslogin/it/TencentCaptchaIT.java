package dev.smslogin.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeTencentCaptcha;
import dev.smslogin.testing.FakeVendorApi.Misbehaviour;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code tencent-captcha} human check (Tencent Cloud CAPTCHA) on a Keycloak of its own whose options point at the
 * local Tencent ({@link FakeTencentCaptcha}, reached by its {@code captcha.} host name through a hosts file): the widget
 * on the phone page, the sends it lets through and those it refuses, Tencent's outage, the native-app API's fields, and
 * the stand-in widget in headless Chromium (screenshots).
 */
class TencentCaptchaIT {

    static final String REFUSED = "Please complete the verification before we send a code.";
    static final String UNAVAILABLE = OutageIT.UNAVAILABLE;
    static final int TIMEOUT_MS = 1000;

    static FakeTencentCaptcha tencent;
    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static String realm;
    static final HumanCheckChromium chromium = new HumanCheckChromium();

    @BeforeAll
    static void start() throws Exception {
        tencent = FakeTencentCaptcha.start();
        server = KeycloakServer.startWith("tencent-captcha", List.of(
                "--spi-sms-human-check--tencent-captcha--secret-id=" + FakeTencentCaptcha.SECRET_ID,
                "--spi-sms-human-check--tencent-captcha--secret-key=" + FakeTencentCaptcha.SECRET_KEY,
                "--spi-sms-human-check--tencent-captcha--captcha-app-id=" + FakeTencentCaptcha.CAPTCHA_APP_ID,
                "--spi-sms-human-check--tencent-captcha--app-secret-key=" + FakeTencentCaptcha.APP_SECRET_KEY,
                "--spi-sms-human-check--tencent-captcha--endpoint=" + tencent.endpoint(),
                "--spi-sms-human-check--tencent-captcha--protocol=http",
                "--spi-sms-human-check--tencent-captcha--script-url=" + tencent.scriptUrl(),
                "--spi-sms-human-check--tencent-captcha--timeout-ms=" + TIMEOUT_MS),
                List.of("-Djdk.net.hosts.file=" + FakeTencentCaptcha.hostsFile(Path.of("target", "tencent-captcha-hosts")).toAbsolutePath()));
        admin = server.adminClient();
        aliyun = server.aliyun();
        realm = createExampleRealm(admin, Map.of("humanCheck", "tencent-captcha", "maxSendsPerIpPerHour", "1000"));
    }

    @AfterAll
    static void stop() {
        chromium.close();
        if (server != null) {
            server.close();
        }
        if (tencent != null) {
            tencent.close();
        }
    }

    @AfterEach
    void behave() {
        tencent.reset();
    }

    private static Page submitPhone(Browser browser, Page phonePage, String national, Map<String, String> captcha) {
        Map<String, String> fields = new HashMap<>(captcha);
        fields.put("phone_number", national);
        return browser.submit(phonePage, fields, null);
    }

    @Test
    @DisplayName("the phone page carries the widget: data-provider, data-captcha-app-id, data-lang, TJCaptcha.js from script-url and "
            + "the adapter script, which Keycloak serves; never a secret")
    void widgetOnThePage() throws Exception {
        Page phonePage = new Browser(server).startLogin(realm);
        Element widget = phonePage.document().selectFirst("#kc-human-check .sms-login-human-check");
        assertThat(widget).isNotNull();
        assertThat(widget.attr("data-provider")).isEqualTo("tencent-captcha");
        assertThat(widget.attr("data-captcha-app-id")).isEqualTo(FakeTencentCaptcha.CAPTCHA_APP_ID);
        assertThat(widget.attr("data-lang")).isEqualTo("en");
        List<String> scripts = phonePage.document().select("#kc-human-check script").eachAttr("abs:src");
        assertThat(scripts).contains(tencent.scriptUrl())
                .anySatisfy(src -> assertThat(src).endsWith("/js/sms-login-human-check-tencent-captcha.js"));
        assertThat(phonePage.body()).doesNotContain(FakeTencentCaptcha.SECRET_KEY).doesNotContain(FakeTencentCaptcha.APP_SECRET_KEY)
                .doesNotContain(FakeTencentCaptcha.SECRET_ID);

        String adapterUrl = scripts.stream().filter(src -> src.endsWith("sms-login-human-check-tencent-captcha.js")).findFirst().orElseThrow();
        HttpResponse<String> adapter = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(adapterUrl)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(adapter.statusCode()).isEqualTo(200);
        assertThat(adapter.body()).contains("TencentCaptcha").contains("randstr");

        Page chinese = new Browser(server, "zh-CN").startLogin(realm);
        assertThat(chinese.document().selectFirst(".sms-login-human-check").attr("data-lang")).startsWith("zh");
    }

    @Test
    @DisplayName("a passed check sends the code; a missing, forged, mismatched (randstr) or reused ticket sends nothing and the page "
            + "says so; every call signed as Tencent checks")
    void passedMissingForgedReused() {
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page phonePage = browser.startLogin(realm);

        Page missing = submitPhone(browser, phonePage, national, Map.of());
        assertThat(missing.isPhonePage()).isTrue();
        assertThat(missing.text()).contains(REFUSED);

        Page forged = submitPhone(browser, missing, national, Map.of("ticket", "tr03forgedTicket*", "randstr", "@abc"));
        assertThat(forged.text()).as("a ticket Tencent never issued").contains(REFUSED).doesNotContain(UNAVAILABLE);

        Map<String, String> otherRandstr = new HashMap<>(tencent.issue());
        otherRandstr.put("randstr", "@zzz");
        Page mismatched = submitPhone(browser, forged, national, otherRandstr);
        assertThat(mismatched.text()).as("another randstr").contains(REFUSED);
        assertThat(aliyun.messagesTo(national)).isEmpty();

        Map<String, String> passed = tencent.issue();
        Page codePage = submitPhone(browser, mismatched, national, passed);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).hasSize(1);

        String other = Phones.newNational();
        Browser second = new Browser(server);
        Page reused = submitPhone(second, second.startLogin(realm), other, passed);
        assertThat(reused.isPhonePage()).isTrue();
        assertThat(reused.text()).as("the same ticket again").contains(REFUSED);
        assertThat(aliyun.messagesTo(other)).isEmpty();

        assertThat(tencent.verifications()).extracting(FakeTencentCaptcha.Verification::captchaCode).containsExactly(15, 7, 1, 9);
        assertThat(tencent.verifications()).allSatisfy(v -> assertThat(v.userIp()).isNotBlank());
        assertThat(tencent.rejections()).isEmpty();
    }

    @Test
    @DisplayName("the code page carries the widget too: 'resend' with the ticket already used sends nothing and says so; with a "
            + "fresh one the second code goes out")
    void resendOnTheCodePage() throws Exception {
        String quick = createExampleRealm(admin, Map.of("humanCheck", "tencent-captcha", "maxSendsPerIpPerHour", "1000",
                "resendCooldownSeconds", "1"));
        try {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Map<String, String> first = tencent.issue();
            Page codePage = submitPhone(browser, browser.startLogin(quick), national, first);
            assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
            assertThat(codePage.document().select("#kc-human-check .sms-login-human-check[data-provider=tencent-captcha]")).hasSize(1);
            Thread.sleep(1500);

            Page reused = browser.submit(codePage, first, "resend");
            assertThat(reused.isCodePage()).isTrue();
            assertThat(reused.text()).contains(REFUSED);
            assertThat(aliyun.messagesTo(national)).hasSize(1);

            Page resent = browser.submit(reused, tencent.issue(), "resend");
            assertThat(resent.isCodePage()).as(resent.text()).isTrue();
            assertThat(resent.text()).doesNotContain(REFUSED);
            assertThat(aliyun.messagesTo(national)).hasSize(2);
        } finally {
            admin.realm(quick).remove();
        }
    }

    @Test
    @DisplayName("Tencent down (503), a service error, CaptchaCode 26, a hang-up or slower than timeout-ms: the page and the API say "
            + "temporarily unavailable within the timeout and send nothing; back up, the same page sends")
    void outagesFailClosed() {
        String national = Phones.newNational();
        String appNational = Phones.newNational();
        Browser browser = new Browser(server);
        Page page = browser.startLogin(realm);
        NativeApp app = new NativeApp(server, realm);

        for (Misbehaviour fault : List.of(FakeTencentCaptcha.down(), FakeTencentCaptcha.serviceError(), FakeTencentCaptcha.captchaCode(26),
                Misbehaviour.hangUp())) {
            tencent.misbehave(fault);
            page = submitPhone(browser, page, national, tencent.issue());
            assertThat(page.isPhonePage()).as(fault.toString()).isTrue();
            assertThat(page.text()).as(fault.toString()).contains(UNAVAILABLE);
            assertThat(page.body()).doesNotContain("Exception");
            NativeApp.Answer refusedByApi = sendWithCaptcha(app, appNational, tencent.issue());
            assertThat(refusedByApi.status()).as(fault.toString()).isEqualTo(503);
            assertThat(refusedByApi.error()).isEqualTo("temporarily_unavailable");
        }

        tencent.misbehave(Misbehaviour.slow(Duration.ofMillis(2500)));
        long started = System.nanoTime();
        page = submitPhone(browser, page, national, tencent.issue());
        assertThat(page.text()).contains(UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by timeout-ms").isLessThan(Duration.ofMillis(2400));
        tencent.behave();
        assertThat(aliyun.messagesTo(national)).isEmpty();
        assertThat(aliyun.messagesTo(appNational)).isEmpty();

        Page codePage = submitPhone(browser, page, national, tencent.issue());
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(aliyun.messagesTo(national)).hasSize(1);
        assertThat(server.logText()).contains("human check unavailable").doesNotContain(FakeTencentCaptcha.SECRET_KEY)
                .doesNotContain(FakeTencentCaptcha.APP_SECRET_KEY);
    }

    @Test
    @DisplayName("the native-app API takes ticket and randstr in a form or a JSON body: a fresh ticket sends (200), none, a forged or "
            + "a reused one is refused (400) and sends nothing")
    void nativeAppApi() throws Exception {
        NativeApp app = new NativeApp(server, realm);
        String national = Phones.newNational();
        NativeApp.Answer without = app.sendCode(national);
        assertThat(without.status()).isEqualTo(400);
        assertThat(without.error()).isEqualTo("invalid_request");

        assertThat(sendWithCaptcha(app, national, Map.of("ticket", "tr03forged*", "randstr", "@abc")).status()).isEqualTo(400);
        assertThat(aliyun.messagesTo(national)).isEmpty();

        Map<String, String> passed = tencent.issue();
        NativeApp.Answer sent = sendWithCaptcha(app, national, passed);
        assertThat(sent.status()).as(sent.json().toString()).isEqualTo(200);
        assertThat(aliyun.messagesTo(national)).hasSize(1);

        String other = Phones.newNational();
        NativeApp.Answer reused = sendWithCaptcha(app, other, passed);
        assertThat(reused.status()).as("reused").isEqualTo(400);
        assertThat(reused.error()).isEqualTo("invalid_request");
        assertThat(aliyun.messagesTo(other)).isEmpty();

        Map<String, String> fresh = tencent.issue();
        ObjectNode json = KeycloakAdmin.JSON.createObjectNode().put("client_id", NativeApp.CLIENT_ID).put("phone_number", other)
                .put("ticket", fresh.get("ticket")).put("randstr", fresh.get("randstr"));
        NativeApp.Answer sentJson = app.send(HttpRequest.newBuilder(URI.create(app.codesUrl()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(KeycloakAdmin.JSON.writeValueAsString(json))));
        assertThat(sentJson.status()).as(sentJson.json().toString()).isEqualTo(200);
        assertThat(aliyun.messagesTo(other)).hasSize(1);
        assertThat(app.token(other, aliyun.lastCodeTo(other)).status()).isEqualTo(200);
        assertThat(tencent.rejections()).isEmpty();
    }

    private static NativeApp.Answer sendWithCaptcha(NativeApp app, String national, Map<String, String> captcha) {
        return app.post(app.codesUrl(), NativeApp.form("client_id", NativeApp.CLIENT_ID, "phone_number", national,
                "ticket", captcha.getOrDefault("ticket", ""), "randstr", captcha.getOrDefault("randstr", "")), Map.of());
    }

    // ---- in Chromium ----

    @ParameterizedTest(name = "{0}")
    @CsvSource({"en, Security check", "zh-CN, 安全验证"})
    @DisplayName("in Chromium: 'send' opens Tencent's widget in the page's language and sends nothing yet; passing it submits the "
            + "form with ticket and randstr and the code goes out (screenshots)")
    void widgetInChromium(String language, String title) throws Exception {
        WebDriverWait wait = chromium.fresh();
        WebDriver driver = chromium.driver();
        String national = Phones.newNational();
        chromium.openLogin(server, realm, language);
        WebElement phone = wait.until(d -> d.findElement(By.id("phone_number")));
        wait.until(d -> "true".equals(d.findElement(By.cssSelector(".sms-login-human-check")).getAttribute("data-ready")));
        phone.sendKeys(national);
        driver.findElement(By.id("kc-send-code")).click();

        WebElement box = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("fake-tcaptcha-box")));
        assertThat(box.getText()).contains(title);
        chromium.screenshot("sms-login-phone-tencent-desktop-" + language);
        assertThat(aliyun.messagesTo(national)).as("nothing before the widget is passed").isEmpty();

        long passes = tencent.passes();
        driver.findElement(By.id("fake-tcaptcha-verify")).click();
        wait.until(d -> d.findElement(By.id("code")));
        assertThat(aliyun.messagesTo(national)).hasSize(1);
        assertThat(tencent.passes()).as("the server checked the widget's ticket").isEqualTo(passes + 1);
    }

    @Test
    @DisplayName("in Chromium, TJCaptcha.js not loading (404): 'send' still submits, the server refuses with the verification "
            + "message, no SMS")
    void scriptDoesNotLoad() throws Exception {
        WebDriverWait wait = chromium.fresh();
        WebDriver driver = chromium.driver();
        tencent.scriptMissing(true);
        String national = Phones.newNational();
        int loads = tencent.scriptLoads();
        chromium.openLogin(server, realm, "en");
        WebElement phone = wait.until(d -> d.findElement(By.id("phone_number")));
        phone.sendKeys(national);
        WebElement page = driver.findElement(By.tagName("html"));
        driver.findElement(By.id("kc-send-code")).click();
        wait.until(ExpectedConditions.stalenessOf(page));
        wait.until(d -> d.findElement(By.tagName("body")).getText().contains(REFUSED));
        assertThat(tencent.scriptLoads()).as("the page asked for TJCaptcha.js").isGreaterThan(loads);
        assertThat(driver.findElements(By.id("code"))).isEmpty();
        assertThat(aliyun.messagesTo(national)).isEmpty();
    }
}
