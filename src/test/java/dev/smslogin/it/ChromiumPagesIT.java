package dev.smslogin.it;

import dev.smslogin.phone.InvalidPhoneNumberException;
import dev.smslogin.phone.PhoneNumberParser;
import dev.smslogin.testing.FakeAliyunSms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.admin.client.Keycloak;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.createUser;
import static dev.smslogin.it.AdminSteps.password;
import static dev.smslogin.it.AdminSteps.registerRequiredAction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two pages in real headless Chromium, as people with a keyboard only, a screen reader or a phone meet them;
 * also writes the screenshots of {@code docs/screenshots/} to {@code target/screenshots/}.
 */
class ChromiumPagesIT {

    static final Dimension DESKTOP = new Dimension(1280, 900);
    static final Dimension PHONE = new Dimension(390, 844);
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    static KeycloakServer server;
    static Keycloak admin;
    /** Password, then the SMS second factor; "Forgot password?" by SMS. */
    static String mfaRealm;
    static FakeAliyunSms aliyun;
    static String realm;
    static String regionsRealm;
    static WebDriver driver;
    WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        server = KeycloakServer.get();
        admin = server.adminClient();
        aliyun = server.aliyun();
        realm = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "1000"));
        regionsRealm = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "1000", "allowedRegions", "CN,HK", "defaultRegion", "CN"));
        registerRequiredAction(admin.realm(realm), "verify-phone-number", "Verify phone number");
        Map<String, Object> mfaSettings = new java.util.HashMap<>(FlowJson.ofExampleRealm()
                .config("sms-codes", Map.of("maxSendsPerIpPerHour", "1000"))
                .flow("password then sms", FlowJson.step("auth-cookie", "ALTERNATIVE"), FlowJson.subflow("password then sms forms", "ALTERNATIVE"))
                .subflowDefinition("password then sms forms", FlowJson.step("auth-username-password-form", "REQUIRED"),
                        FlowJson.step("sms-otp", "REQUIRED", "sms-codes"))
                .flow("sms reset", FlowJson.step("sms-reset-credentials", "REQUIRED", "sms-codes"), FlowJson.step("reset-password", "REQUIRED"))
                .realmSettings());
        mfaSettings.putAll(Map.of("browserFlow", "password then sms", "resetCredentialsFlow", "sms reset", "resetPasswordAllowed", true));
        mfaRealm = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "1000"), mfaSettings);
        driver = ChromiumLoginIT.startChromium();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        admin.realm(realm).remove();
        admin.realm(regionsRealm).remove();
        admin.realm(mfaRealm).remove();
    }

    @BeforeEach
    void freshBrowser() {
        try {
            driver.get("about:blank");
        } catch (org.openqa.selenium.WebDriverException pending) {
            // a test that ended on the client's callback (nothing listens there) leaves that navigation's error to
            // the next command: this one; the next navigation works
            driver.get("about:blank");
        }
        // every cookie of every site (no SSO session of an earlier test), whatever page the browser is on
        ((org.openqa.selenium.chrome.ChromeDriver) driver).executeCdpCommand("Network.clearBrowserCookies", Map.of());
        driver.manage().window().setSize(DESKTOP);
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    @Test
    @DisplayName("keyboard only: the number field has the focus, Enter sends the code, the code field has the focus, Enter logs in")
    void keyboardOnly() {
        String national = Phones.newNational();
        openLogin(realm, "en");
        wait.until(d -> d.findElement(By.id("phone_number")));
        assertThat(tabOrder(12)).as("Tab reaches the field and the send button").contains("phone_number", "kc-send-code");

        driver.navigate().refresh();   // the page as it arrives, with nothing focused by the Tab walk
        WebElement phone = wait.until(d -> d.findElement(By.id("phone_number")));
        assertThat(focused()).as("the number field is focused on arrival").isEqualTo(phone);
        new Actions(driver).sendKeys(national).sendKeys(Keys.ENTER).perform();
        wait.until(d -> d.findElement(By.id("code")));
        assertThat(tabOrder(12)).as("Tab reaches the code field and every button")
                .contains("code", "kc-login", "kc-change-number");

        driver.navigate().refresh();   // a reload shows the code page again and sends no second SMS
        WebElement code = wait.until(d -> d.findElement(By.id("code")));
        assertThat(focused()).as("the code field is focused on arrival").isEqualTo(code);
        assertThat(aliyun.messagesTo(national)).hasSize(1);
        new Actions(driver).sendKeys(aliyun.lastCodeTo(national)).sendKeys(Keys.ENTER).perform();
        wait.until(d -> d.getCurrentUrl().startsWith(Browser.REDIRECT_URI));
        assertThat(driver.getCurrentUrl()).contains("code=");
    }

    @Test
    @DisplayName("screen readers: every field has a label; an error marks the field invalid and is read with it")
    void labelsAndErrors() {
        String national = Phones.newNational();
        openLogin(realm, "en");
        wait.until(d -> d.findElement(By.id("phone_number")));
        assertEveryFieldIsLabelled();

        submitNumber("12345");
        assertFieldError("phone_number", "Enter a valid mobile number.");

        submitNumber(national);
        wait.until(d -> d.findElement(By.id("code")));
        assertEveryFieldIsLabelled();
        assertThat(driver.findElement(By.id("code")).getAttribute("aria-describedby")).contains("kc-sms-login-sent-to");

        WebElement code = driver.findElement(By.id("code"));
        code.sendKeys(aliyun.lastCodeTo(national).equals("000000") ? "111111" : "000000");
        clickAndWaitForTheNextPage("kc-login");
        assertFieldError("code", "That code is not correct. Check the text message and try again.");
    }

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({"en, desktop", "en, phone", "zh-CN, desktop", "zh-CN, phone"})
    @DisplayName("both pages fit a phone's width and a desktop, in English and Simplified Chinese (screenshots)")
    void layout(String language, String device) throws IOException {
        String national = Phones.newNational();
        driver.manage().window().setSize(device.equals("phone") ? PHONE : DESKTOP);
        openLogin(realm, language);
        wait.until(d -> d.findElement(By.id("phone_number")));
        assertThat(driver.findElement(By.tagName("body")).getText())
                .contains(language.equals("en") ? "Mobile number" : "手机号");
        assertFitsTheWidth("phone_number", "kc-send-code");
        screenshot("sms-login-phone-" + device + "-" + language);

        submitNumber(national);
        wait.until(d -> d.findElement(By.id("code")));
        assertThat(driver.findElement(By.id("kc-sms-login-sent-to")).getText()).contains("+86 139****" + national.substring(7));
        assertFitsTheWidth("code", "kc-login", "kc-resend", "kc-change-number");
        screenshot("sms-login-code-" + device + "-" + language);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"en, Verify your phone number, Cancel", "zh-CN, 验证手机号, 取消"})
    @DisplayName("the verify-phone-number action's pages, started by the application, in English and Simplified Chinese (screenshots)")
    void verifyPhonePages(String language, String title, String cancel) throws IOException {
        // the application asks for the action; the user logs in first (by SMS), then gets the action's pages
        String national = Phones.newNational();
        openLogin(realm, language, "&kc_action=verify-phone-number");
        submitNumber(national);
        WebElement code = wait.until(d -> d.findElement(By.id("code")));
        code.sendKeys(aliyun.lastCodeTo(national));
        clickAndWaitForTheNextPage("kc-login");

        wait.until(d -> d.findElement(By.id("phone_number")));
        assertThat(driver.findElement(By.tagName("body")).getText()).contains(title);
        assertThat(driver.findElement(By.id("kc-cancel")).getText()).isEqualTo(cancel);
        assertEveryFieldIsLabelled();
        screenshot("verify-phone-phone-desktop-" + language);

        String newNumber = Phones.newNational();
        submitNumber(newNumber);
        wait.until(d -> d.findElement(By.id("code")));
        assertThat(driver.findElement(By.id("kc-sms-login-sent-to")).getText()).contains("+86 139****" + newNumber.substring(7));
        assertFitsTheWidth("code", "kc-login", "kc-resend", "kc-change-number", "kc-cancel");
        screenshot("verify-phone-code-desktop-" + language);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"en, Enter the code we texted you, Reset your password by text message",
            "zh-CN, 请输入短信验证码, 通过短信重置密码"})
    @DisplayName("the second factor's code page (no other number offered) and the reset's pages, in English and Simplified"
            + " Chinese (screenshots)")
    void secondFactorAndResetPages(String language, String otpTitle, String resetTitle) throws IOException {
        String national = Phones.newNational();
        String username = "pages-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String id = createUser(admin.realm(mfaRealm), username, Map.of("phoneNumber", Phones.e164(national), "phoneNumberVerified", "true"));
        admin.realm(mfaRealm).users().get(id).resetPassword(password("Pages-password-1"));

        openLogin(mfaRealm, language);
        wait.until(d -> d.findElement(By.id("username"))).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys("Pages-password-1");
        clickAndWaitForTheNextPage("kc-login");
        wait.until(d -> d.findElement(By.id("code")));
        assertThat(driver.findElement(By.tagName("body")).getText()).contains(otpTitle);
        assertThat(driver.findElements(By.id("kc-change-number"))).as("the number is the account's").isEmpty();
        // the page's other field is Keycloak's own read-only "attempted username" of a known user
        assertThat(driver.findElement(By.cssSelector("label[for=code]")).getText()).isNotBlank();
        assertFitsTheWidth("code", "kc-login", "kc-resend");
        screenshot("sms-otp-code-desktop-" + language);

        freshBrowser();
        openLogin(mfaRealm, language);
        WebElement forgot = wait.until(d -> d.findElement(By.cssSelector("a[href*=reset-credentials]")));
        WebElement page = driver.findElement(By.tagName("html"));
        forgot.click();
        wait.until(ExpectedConditions.stalenessOf(page));
        wait.until(d -> d.findElement(By.id("phone_number")));
        assertThat(driver.findElement(By.tagName("body")).getText()).contains(resetTitle);
        assertEveryFieldIsLabelled();
        screenshot("sms-reset-phone-desktop-" + language);
        submitNumber(Phones.newNational());  // the page of a number no account has is the same, without an SMS
        wait.until(d -> d.findElement(By.id("code")));
        assertThat(driver.findElement(By.tagName("body")).getText()).contains(resetTitle);
        screenshot("sms-reset-code-desktop-" + language);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"en, Add your phone number, This number cannot be used to sign in here.",
            "zh-CN, 绑定手机号, 该手机号无法在此登录"})
    @DisplayName("the first broker login's phone page (idp-sms-link, after a wechat sign-in) and its refusal of a number whose user "
            + "has an authenticator app, in English and Simplified Chinese (screenshots)")
    void brokeredLoginPages(String language, String title, String refusal) throws IOException {
        String provider = AdminSteps.oidcProviderRealm(admin, "pages-wx-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        String consumer = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "1000"));
        try {
            org.keycloak.representations.idm.AuthenticatorConfigRepresentation settings = new org.keycloak.representations.idm.AuthenticatorConfigRepresentation();
            settings.setAlias("sms-first-broker-login");
            settings.setConfig(Map.of("maxSendsPerIpPerHour", "1000"));
            AdminSteps.created(admin.realm(consumer).flows().newExecutionConfig(
                    AdminSteps.createFlowOfOneStep(admin.realm(consumer), "sms first broker login", "idp-sms-link").getId(), settings));
            AdminSteps.addOidcIdentityProvider(admin, consumer, server.baseUrl() + "/realms/" + provider, "wechat", "IMPORT", "sms first broker login");
            String username = "pages-" + java.util.UUID.randomUUID().toString().substring(0, 8);
            String wechatUser = createUser(admin.realm(provider), username, Map.of());
            org.keycloak.representations.idm.UserRepresentation named = admin.realm(provider).users().get(wechatUser).toRepresentation();
            named.setEmail(username + "@example.com");
            named.setEmailVerified(true);
            named.setFirstName("Wei");
            named.setLastName("Xin");
            admin.realm(provider).users().get(wechatUser).update(named);
            admin.realm(provider).users().get(wechatUser).resetPassword(password("Pages-password-1"));
            String national = Phones.newNational();
            org.keycloak.representations.idm.UserRepresentation holder = new org.keycloak.representations.idm.UserRepresentation();
            holder.setUsername("totp-" + national);
            holder.setEnabled(true);
            holder.singleAttribute("phoneNumber", Phones.e164(national));
            holder.singleAttribute("phoneNumberVerified", "true");
            holder.setCredentials(List.of(AdminSteps.authenticatorApp("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")));
            AdminSteps.created(admin.realm(consumer).users().create(holder));

            openLogin(consumer, language, "&kc_idp_hint=wechat");
            wait.until(d -> d.findElement(By.id("username"))).sendKeys(username);
            driver.findElement(By.id("password")).sendKeys("Pages-password-1");
            clickAndWaitForTheNextPage("kc-login");
            wait.until(d -> d.findElement(By.id("phone_number")));
            assertThat(driver.findElement(By.tagName("body")).getText()).contains(title);
            assertEveryFieldIsLabelled();
            assertFitsTheWidth("phone_number", "kc-send-code");
            screenshot("idp-sms-link-phone-desktop-" + language);

            submitNumber(national);
            WebElement code = wait.until(d -> d.findElement(By.id("code")));
            code.sendKeys(aliyun.lastCodeTo(national));
            clickAndWaitForTheNextPage("kc-login");
            wait.until(d -> d.findElement(By.id("phone_number")));
            assertThat(driver.findElement(By.tagName("body")).getText()).contains(refusal);
            screenshot("idp-sms-link-refused-desktop-" + language);
        } finally {
            admin.realm(consumer).remove();
            admin.realm(provider).remove();
        }
    }

    @Test
    @DisplayName("several allowed regions: a labelled region selector; a number typed without its country code goes to the chosen region")
    void regionSelector() throws IOException {
        openLogin(realm, "en");
        wait.until(d -> d.findElement(By.id("phone_number")));
        assertThat(driver.findElements(By.id("region"))).as("one allowed region: no selector").isEmpty();

        openLogin(regionsRealm, "en");
        Select region = new Select(wait.until(d -> d.findElement(By.id("region"))));
        assertThat(region.getFirstSelectedOption().getAttribute("value")).as("the default region first").isEqualTo("CN");
        assertThat(region.getOptions()).extracting(WebElement::getText).contains("China (+86)", "Hong Kong SAR China (+852)");
        assertEveryFieldIsLabelled();
        screenshot("sms-login-phone-regions-desktop-en");

        String hongKong = hongKongMobile();
        region.selectByValue("HK");
        submitNumber(hongKong);
        wait.until(d -> d.findElement(By.id("code")));
        assertThat(aliyun.messagesTo("852" + hongKong)).as("the SMS went to +852").hasSize(1);
        assertThat(driver.findElement(By.id("kc-sms-login-sent-to")).getText()).contains("+852");
    }

    // ---- steps and checks ----

    private void openLogin(String realm, String language) {
        openLogin(realm, language, "");
    }

    private void openLogin(String realm, String language, String extraQuery) {
        driver.get(server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=" + Browser.CLIENT_ID
                + "&redirect_uri=" + KeycloakAdmin.encode(Browser.REDIRECT_URI) + "&response_type=code&scope=openid"
                + "&ui_locales=" + language
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256" + extraQuery);
    }

    private void submitNumber(String typed) {
        WebElement phone = wait.until(d -> d.findElement(By.id("phone_number")));
        phone.clear();
        phone.sendKeys(typed);
        clickAndWaitForTheNextPage("kc-send-code");
    }

    /**
     * Clicks a submit button and waits until the browser has left the page, so that no later look-up finds an element
     * of the page being left (it goes stale under the test's hands).
     */
    private void clickAndWaitForTheNextPage(String buttonId) {
        WebElement page = driver.findElement(By.tagName("html"));
        driver.findElement(By.id(buttonId)).click();
        wait.until(ExpectedConditions.stalenessOf(page));
    }

    private WebElement focused() {
        return driver.switchTo().activeElement();
    }

    /** The ids of the elements Tab visits from the top of the page, in order. */
    private List<String> tabOrder(int presses) {
        ((JavascriptExecutor) driver).executeScript("document.activeElement.blur(); window.focus();");
        List<String> visited = new ArrayList<>();
        for (int i = 0; i < presses; i++) {
            new Actions(driver).sendKeys(Keys.TAB).perform();
            String id = focused().getAttribute("id");
            visited.add(id == null ? "" : id);
        }
        return visited;
    }

    private void assertEveryFieldIsLabelled() {
        for (WebElement field : driver.findElements(By.cssSelector("input:not([type=hidden]), select, textarea"))) {
            if (!field.isDisplayed()) {
                continue;
            }
            String id = field.getAttribute("id");
            List<WebElement> labels = driver.findElements(By.cssSelector("label[for='" + id + "']"));
            String ariaLabel = field.getAttribute("aria-label");
            assertThat(!labels.isEmpty() && !labels.get(0).getText().isBlank() || ariaLabel != null && !ariaLabel.isBlank())
                    .as("field #" + id + " has a label").isTrue();
        }
    }

    private void assertFieldError(String fieldId, String message) {
        WebElement field = wait.until(d -> {
            WebElement f = d.findElement(By.id(fieldId));
            return "true".equals(f.getAttribute("aria-invalid")) ? f : null;
        });
        List<String> describedBy = List.of(field.getAttribute("aria-describedby").split("\\s+"));
        List<String> texts = new ArrayList<>();
        for (String id : describedBy) {
            driver.findElements(By.id(id)).forEach(element -> texts.add(element.getText()));
        }
        assertThat(texts).as("the error is announced with #" + fieldId).anySatisfy(text -> assertThat(text).contains(message));
        assertThat(driver.findElement(By.id("input-error-" + fieldId)).isDisplayed()).isTrue();
    }

    /** No sideways scrolling, and each element lies within the viewport's width. */
    private void assertFitsTheWidth(String... ids) {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        long viewport = ((Number) js.executeScript("return window.innerWidth;")).longValue();
        long page = ((Number) js.executeScript("return document.documentElement.scrollWidth;")).longValue();
        assertThat(page).as("page width at a %d px viewport", viewport).isLessThanOrEqualTo(viewport);
        for (String id : ids) {
            Map<?, ?> box = (Map<?, ?>) js.executeScript(
                    "var r = document.getElementById(arguments[0]).getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width};", id);
            assertThat(((Number) box.get("left")).doubleValue()).as("#" + id + " left edge").isGreaterThanOrEqualTo(0);
            assertThat(((Number) box.get("right")).doubleValue()).as("#" + id + " right edge").isLessThanOrEqualTo(viewport);
            assertThat(((Number) box.get("width")).doubleValue()).as("#" + id + " is visible").isPositive();
        }
    }

    private void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** A valid Hong Kong mobile number, 8 digits, never used before in this run. */
    private static String hongKongMobile() {
        PhoneNumberParser parser = new PhoneNumberParser("HK", Set.of("HK"));
        while (true) {
            String candidate = "9" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
            try {
                parser.parse(candidate);
                return candidate;
            } catch (InvalidPhoneNumberException notMobile) {
                // try another
            }
        }
    }
}
