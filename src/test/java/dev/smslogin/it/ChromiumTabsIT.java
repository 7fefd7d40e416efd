package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.createUser;
import static dev.smslogin.it.AdminSteps.created;
import static dev.smslogin.it.AdminSteps.events;
import static dev.smslogin.it.AdminSteps.password;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The login theme {@code sms-login}: "password | SMS code" tabs on the sign-in page of a flow whose username/password
 * form and SMS login are alternatives, in real headless Chromium; also writes the tab screenshots of
 * {@code docs/screenshots/} to {@code target/screenshots/}.
 */
class ChromiumTabsIT {

    static final Dimension DESKTOP = ChromiumPagesIT.DESKTOP;
    static final Dimension PHONE = ChromiumPagesIT.PHONE;
    static final Path SCREENSHOTS = ChromiumPagesIT.SCREENSHOTS;
    static final String THEME = "sms-login";
    static final String TABBED_FLOW = "password or sms";
    static final String PASSWORD = "Tab-password-1";

    /** Logs in through the realm's SMS-only flow (cookie, else SMS), with the realm's theme. */
    static final String SMS_ONLY_CLIENT = "sms-only-app";
    /** Logs in through Keycloak's built-in browser flow (username and password, no SMS), with the realm's theme. */
    static final String PASSWORD_ONLY_CLIENT = "password-only-app";
    /** Logs in through a flow that offers a passkey too (WebAuthn passwordless), a third alternative. */
    static final String THREE_WAYS_CLIENT = "three-ways-app";
    static final String THREE_WAYS_FLOW = "password, sms or passkey";
    /** Logs in through the tabbed flow, but with the login theme keycloak.v2 (client setting). */
    static final String PLAIN_THEME_CLIENT = "keycloak-v2-app";

    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static String realm;
    static WebDriver driver;
    WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        server = KeycloakServer.get();
        admin = server.adminClient();
        aliyun = server.aliyun();
        realm = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "1000"),
                Map.of("loginTheme", THEME, "browserFlow", TABBED_FLOW, "authenticationFlows", flowsWithTheTabbedFlow()));
        client(SMS_ONLY_CLIENT, flowId("sms browser"), null);
        client(PASSWORD_ONLY_CLIENT, flowId("browser"), null);
        client(PLAIN_THEME_CLIENT, null, "keycloak.v2");
        client(THREE_WAYS_CLIENT, flowId(THREE_WAYS_FLOW), null);
        driver = ChromiumLoginIT.startChromium();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        admin.realm(realm).remove();
    }

    @BeforeEach
    void freshBrowser() {
        forgetCookies();
        driver.manage().window().setSize(DESKTOP);
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({"en, desktop", "en, phone", "zh-CN, desktop", "zh-CN, phone"})
    @DisplayName("both tabs with their labels, in English and Simplified Chinese, on a desktop and a phone's width; "
            + "switching both ways (screenshots)")
    void bothTabs(String language, String device) throws IOException {
        boolean english = language.equals("en");
        String passwordLabel = english ? "Password" : "密码登录";
        String smsLabel = english ? "SMS code" : "短信登录";
        String title = english ? "Sign in to your account" : "登录到您的账户";
        driver.manage().window().setSize(device.equals("phone") ? PHONE : DESKTOP);

        openLogin(Browser.CLIENT_ID, language);
        wait.until(d -> d.findElement(By.id("username")));
        assertTabs(passwordLabel, smsLabel, passwordLabel);
        assertThat(driver.findElement(By.id("kc-page-title")).getText()).isEqualTo(title);
        assertThat(driver.findElement(By.id("password")).isDisplayed()).isTrue();
        assertThat(driver.findElements(By.id("phone_number"))).as("the password tab has no phone field").isEmpty();
        assertThat(isDisplayed("try-another-way")).as("the tabs hold every alternative: no 'Try another way'").isFalse();
        assertFitsTheWidth("kc-sms-login-tab-password", "kc-sms-login-tab-sms", "username", "password", "kc-login");
        screenshot("sms-login-tabs-password-" + device + "-" + language);

        clickAndWaitForTheNextPage("kc-sms-login-tab-sms");
        wait.until(d -> d.findElement(By.id("phone_number")));
        assertTabs(passwordLabel, smsLabel, smsLabel);
        assertThat(driver.findElement(By.id("kc-page-title")).getText()).as("one title for both tabs").isEqualTo(title);
        assertThat(driver.findElements(By.id("password"))).as("the SMS tab has no password field").isEmpty();
        assertThat(driver.findElement(By.tagName("body")).getText()).contains(english ? "Mobile number" : "手机号");
        assertThat(isDisplayed("try-another-way")).isFalse();
        assertFitsTheWidth("kc-sms-login-tab-password", "kc-sms-login-tab-sms", "phone_number", "kc-send-code");
        screenshot("sms-login-tabs-sms-" + device + "-" + language);

        clickAndWaitForTheNextPage("kc-sms-login-tab-password");
        wait.until(d -> d.findElement(By.id("username")));
        assertTabs(passwordLabel, smsLabel, passwordLabel);
    }

    @Test
    @DisplayName("a password login from the tabbed page, after a look at the SMS tab, lands in the client")
    void passwordLogin() {
        String username = "tab-user-" + Long.toHexString(System.nanoTime());
        String userId = createUser(admin.realm(realm), username, Map.of());
        admin.realm(realm).users().get(userId).resetPassword(password(PASSWORD));

        openLogin(Browser.CLIENT_ID, "en");
        clickAndWaitForTheNextPage("kc-sms-login-tab-sms");
        clickAndWaitForTheNextPage("kc-sms-login-tab-password");
        wait.until(d -> d.findElement(By.id("username"))).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys("not-" + PASSWORD);
        clickAndWaitForTheNextPage("kc-login");
        assertThat(wait.until(d -> d.findElement(By.id("input-error-username"))).getText())
                .as("a wrong password is told on the password tab").contains("Invalid username or password");
        assertTabs("Password", "SMS code", "Password");

        driver.findElement(By.id("username")).clear();
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        driver.findElement(By.id("kc-login")).click();
        wait.until(d -> d.getCurrentUrl().startsWith(Browser.REDIRECT_URI));
        assertThat(driver.getCurrentUrl()).contains("code=");
        assertThat(events(admin.realm(realm), "LOGIN")).anySatisfy(event -> assertThat(event.getUserId()).isEqualTo(userId));
    }

    @Test
    @DisplayName("an SMS login from the tabbed page: a wrong number's error and the code page keep the tabs; a visit to the "
            + "password tab and back keeps the number and sends no second SMS; the code logs in")
    void smsLogin() throws IOException {
        String national = Phones.newNational();
        openLogin(Browser.CLIENT_ID, "en");
        clickAndWaitForTheNextPage("kc-sms-login-tab-sms");
        wait.until(d -> d.findElement(By.id("phone_number"))).sendKeys("12345");
        clickAndWaitForTheNextPage("kc-send-code");
        assertThat(wait.until(d -> d.findElement(By.id("input-error-phone_number"))).getText())
                .as("the phone page's errors under the tab").isEqualTo("Enter a valid mobile number.");
        assertTabs("Password", "SMS code", "SMS code");
        driver.findElement(By.id("phone_number")).clear();
        driver.findElement(By.id("phone_number")).sendKeys(national);
        clickAndWaitForTheNextPage("kc-send-code");
        wait.until(d -> d.findElement(By.id("code")));
        assertTabs("Password", "SMS code", "SMS code");
        WebElement resend = driver.findElement(By.id("kc-resend"));
        assertThat(resend.isEnabled()).as("the resend countdown runs under the tabs").isFalse();
        assertThat(resend.getText()).matches("Resend in \\d+ s");
        screenshot("sms-login-tabs-code-desktop-en");

        clickAndWaitForTheNextPage("kc-sms-login-tab-password");
        wait.until(d -> d.findElement(By.id("username")));
        clickAndWaitForTheNextPage("kc-sms-login-tab-sms");
        wait.until(d -> d.findElement(By.id("code")));
        assertThat(driver.findElement(By.id("kc-sms-login-sent-to")).getText()).contains("+86 139****" + national.substring(7));
        assertThat(aliyun.messagesTo(national)).as("switching tabs sends no SMS").hasSize(1);

        driver.findElement(By.id("code")).sendKeys(aliyun.lastCodeTo(national));
        driver.findElement(By.id("kc-login")).click();
        wait.until(d -> d.getCurrentUrl().startsWith(Browser.REDIRECT_URI));
        assertThat(driver.getCurrentUrl()).contains("code=");
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(national))).hasSize(1);
    }

    @Test
    @DisplayName("keyboard only: Shift+Tab from the first field reaches the selected tab (focus visible), the arrow keys "
            + "move to the other tab, Enter or Space switches; the new page focuses its field")
    void keyboardOnly() {
        openLogin(Browser.CLIENT_ID, "en");
        WebElement username = wait.until(d -> d.findElement(By.id("username")));
        assertThat(focused()).as("the username field is focused on arrival").isEqualTo(username);

        new Actions(driver).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        assertThat(focused().getAttribute("id")).as("Shift+Tab reaches the selected tab").isEqualTo("kc-sms-login-tab-password");
        assertFocusVisible();
        new Actions(driver).sendKeys(Keys.ARROW_RIGHT).perform();
        assertThat(focused().getAttribute("id")).as("the right arrow moves to the SMS tab").isEqualTo("kc-sms-login-tab-sms");
        assertFocusVisible();
        WebElement page = driver.findElement(By.tagName("html"));
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        wait.until(ExpectedConditions.stalenessOf(page));

        WebElement phone = wait.until(d -> d.findElement(By.id("phone_number")));
        assertThat(focused()).as("the number field is focused on arrival").isEqualTo(phone);
        assertTabs("Password", "SMS code", "SMS code");
        new Actions(driver).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        assertThat(focused().getAttribute("id")).isEqualTo("kc-sms-login-tab-sms");
        new Actions(driver).sendKeys(Keys.ARROW_LEFT).perform();
        assertThat(focused().getAttribute("id")).isEqualTo("kc-sms-login-tab-password");
        page = driver.findElement(By.tagName("html"));
        new Actions(driver).sendKeys(Keys.SPACE).perform();
        wait.until(ExpectedConditions.stalenessOf(page));
        assertThat(focused()).isEqualTo(wait.until(d -> d.findElement(By.id("username"))));
        assertTabs("Password", "SMS code", "Password");
    }

    @Test
    @DisplayName("without JavaScript: a tab is a form post of authenticationExecution to the login-actions URL, as the "
            + "'select authenticator' page posts it, and answers the other page")
    void withoutJavaScript() {
        Browser browser = new Browser(server);
        Page passwordPage = browser.startLogin(realm);
        Element smsTab = passwordPage.document().getElementById("kc-sms-login-tab-sms");
        assertThat(smsTab).as("SMS tab on: " + passwordPage.text()).isNotNull();
        Element form = passwordPage.document().getElementById("kc-sms-login-tabs-form");
        assertThat(form.attr("method")).isEqualTo("post");
        assertThat(form.attr("action")).contains("/login-actions/authenticate");
        assertThat(smsTab.attr("type")).isEqualTo("submit");
        assertThat(smsTab.attr("name")).isEqualTo("authenticationExecution");

        Page phonePage = browser.post(form.absUrl("action"), Map.of("authenticationExecution", smsTab.attr("value")));
        assertThat(phonePage.isPhonePage()).as("phone page: " + phonePage.text()).isTrue();
        Element passwordTab = phonePage.document().getElementById("kc-sms-login-tab-password");
        Page back = browser.post(phonePage.document().getElementById("kc-sms-login-tabs-form").absUrl("action"),
                Map.of("authenticationExecution", passwordTab.attr("value")));
        assertThat(back.document().getElementById("password")).as("password page: " + back.text()).isNotNull();
    }

    @Test
    @DisplayName("no tabs where the flow has no alternative to offer (SMS only, password only), nor under keycloak.v2, which "
            + "keeps its 'Try another way'")
    void noTabsWithoutTheAlternative() {
        openLogin(SMS_ONLY_CLIENT, "en");
        wait.until(d -> d.findElement(By.id("phone_number")));
        assertNoTabs();
        assertThat(driver.findElement(By.id("kc-page-title")).getText()).as("the SMS page's own title").isEqualTo("Sign in with your phone");

        forgetCookies();
        openLogin(PASSWORD_ONLY_CLIENT, "en");
        wait.until(d -> d.findElement(By.id("password")));
        assertNoTabs();

        forgetCookies();
        openLogin(PLAIN_THEME_CLIENT, "en");
        wait.until(d -> d.findElement(By.id("password")));
        assertNoTabs();
        assertThat(isDisplayed("try-another-way")).as("keycloak.v2 offers the SMS login behind 'Try another way'").isTrue();
    }

    @Test
    @DisplayName("a flow that offers a third way (a passkey) keeps the tabs and 'Try another way' for the third")
    void thirdAlternative() {
        openLogin(THREE_WAYS_CLIENT, "en");
        wait.until(d -> d.findElement(By.id("username")));
        assertTabs("Password", "SMS code", "Password");
        assertThat(isDisplayed("try-another-way")).isTrue();
    }

    // ---- steps and checks ----

    private void openLogin(String clientId, String language) {
        driver.get(server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=" + clientId
                + "&redirect_uri=" + KeycloakAdmin.encode(Browser.REDIRECT_URI) + "&response_type=code&scope=openid"
                + "&ui_locales=" + language
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
    }

    /** Both tabs, in the flow's order, with their labels; the selected one is the current page's, named by the panel. */
    private void assertTabs(String passwordLabel, String smsLabel, String selectedLabel) {
        WebElement tablist = wait.until(d -> d.findElement(By.cssSelector("[role=tablist]")));
        assertThat(tablist.getAttribute("aria-label")).as("the tab list is named").isNotBlank();
        List<WebElement> tabs = tablist.findElements(By.cssSelector("[role=tab]"));
        assertThat(tabs).extracting(WebElement::getText).containsExactly(passwordLabel, smsLabel);
        assertThat(tabs).allSatisfy(tab -> assertThat(tab.isDisplayed()).isTrue());
        WebElement selected = tabs.stream().filter(tab -> "true".equals(tab.getAttribute("aria-selected"))).findFirst().orElseThrow();
        assertThat(selected.getText()).isEqualTo(selectedLabel);
        assertThat(tabs).filteredOn(tab -> "false".equals(tab.getAttribute("aria-selected"))).hasSize(1);
        WebElement panel = driver.findElement(By.cssSelector("[role=tabpanel]"));
        assertThat(panel.getAttribute("aria-labelledby")).isEqualTo(selected.getAttribute("id"));
        assertThat(selected.getAttribute("aria-controls")).isEqualTo(panel.getAttribute("id"));
    }

    private void assertNoTabs() {
        assertThat(driver.findElements(By.cssSelector("[role=tablist], [role=tab], #kc-sms-login-tabs"))).isEmpty();
        assertThat(driver.findElement(By.tagName("body")).getText()).doesNotContain("SMS code");
    }

    private void assertFocusVisible() {
        Map<?, ?> outline = (Map<?, ?>) ((JavascriptExecutor) driver).executeScript(
                "var s = getComputedStyle(document.activeElement); return {style: s.outlineStyle, width: s.outlineWidth};");
        assertThat(outline.get("style")).as("focused tab outline").isNotEqualTo("none");
        assertThat(Double.parseDouble(String.valueOf(outline.get("width")).replace("px", ""))).as("outline width").isGreaterThanOrEqualTo(1);
    }

    private boolean isDisplayed(String id) {
        return driver.findElements(By.id(id)).stream().anyMatch(WebElement::isDisplayed);
    }

    /**
     * Every cookie of the browser, not only those of the page shown (after a login that is the client's redirect URI,
     * where WebDriver's deleteAllCookies would leave Keycloak's SSO cookie, and the next test would be logged in).
     */
    private void forgetCookies() {
        ((ChromeDriver) driver).executeCdpCommand("Network.clearBrowserCookies", Map.of());
    }

    private WebElement focused() {
        return driver.switchTo().activeElement();
    }

    private void clickAndWaitForTheNextPage(String buttonId) {
        WebElement page = driver.findElement(By.tagName("html"));
        wait.until(d -> d.findElement(By.id(buttonId))).click();
        wait.until(ExpectedConditions.stalenessOf(page));
    }

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

    // ---- realm ----

    /**
     * The example realm's flows plus the tabbed flow: cookie, else Keycloak's username/password form, else the SMS login
     * (with the example's SMS settings), all three ALTERNATIVE; and the same with a passkey as a fourth ALTERNATIVE.
     */
    private static JsonNode flowsWithTheTabbedFlow() throws IOException {
        JsonNode example = KeycloakAdmin.JSON.readTree(Files.readString(Path.of("examples/realm-sms-demo.json")));
        ArrayNode flows = (ArrayNode) example.get("authenticationFlows").deepCopy();
        ObjectNode tabbed = ((ObjectNode) flows.get(0)).deepCopy();
        tabbed.put("alias", TABBED_FLOW);
        tabbed.put("description", "Cookie, else username and password, else SMS code login");
        ArrayNode executions = (ArrayNode) tabbed.get("authenticationExecutions");
        ObjectNode password = KeycloakAdmin.JSON.createObjectNode();
        password.put("authenticator", "auth-username-password-form");
        password.put("requirement", "ALTERNATIVE");
        password.put("priority", 15);
        password.put("authenticatorFlow", false);
        password.put("userSetupAllowed", false);
        executions.insert(1, password);
        flows.add(tabbed);

        ObjectNode threeWays = tabbed.deepCopy();
        threeWays.put("alias", THREE_WAYS_FLOW);
        threeWays.put("description", "Cookie, else username and password, else SMS code login, else a passkey");
        ObjectNode passkey = password.deepCopy();
        passkey.put("authenticator", "webauthn-authenticator-passwordless");
        passkey.put("priority", 30);
        ((ArrayNode) threeWays.get("authenticationExecutions")).add(passkey);
        flows.add(threeWays);
        return flows;
    }

    private static String flowId(String alias) {
        return AdminSteps.flowId(admin.realm(realm), alias);
    }

    /** A public client like the example's demo-app, with its own browser flow or its own login theme. */
    private static void client(String clientId, String browserFlowId, String loginTheme) {
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(clientId);
        client.setPublicClient(true);
        client.setStandardFlowEnabled(true);
        client.setRedirectUris(List.of(Browser.REDIRECT_URI));
        Map<String, String> attributes = new HashMap<>(Map.of("pkce.code.challenge.method", "S256"));
        if (loginTheme != null) {
            attributes.put("login_theme", loginTheme);
        }
        client.setAttributes(attributes);
        if (browserFlowId != null) {
            client.setAuthenticationFlowBindingOverrides(Map.of("browser", browserFlowId));
        }
        created(admin.realm(realm).clients().create(client));
    }
}
