package dev.smslogin.it;

import dev.smslogin.testing.FakeAliyunSms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static org.assertj.core.api.Assertions.assertThat;

/** The happy path in real headless Chromium (Debian's chromium and chromium-driver). */
class ChromiumLoginIT {

    static KeycloakServer server;
    static Keycloak admin;
    static String realm;
    static WebDriver driver;

    @BeforeAll
    static void start() throws Exception {
        server = KeycloakServer.get();
        admin = server.adminClient();
        realm = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "1000"));
        driver = startChromium();
    }

    static WebDriver startChromium() throws Exception {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900", "--lang=en-US",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        admin.realm(realm).remove();
    }

    @Test
    @DisplayName("a person signs up in Chromium: types a number, reads the SMS, types the code, lands in the client")
    void happyPath() {
        FakeAliyunSms aliyun = server.aliyun();
        String national = Phones.newNational();
        driver.get(server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=" + Browser.CLIENT_ID
                + "&redirect_uri=" + KeycloakAdmin.encode(Browser.REDIRECT_URI) + "&response_type=code&scope=openid"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));

        WebElement phone = wait.until(d -> d.findElement(By.id("phone_number")));
        assertThat(phone.getAttribute("type")).isEqualTo("tel");
        phone.sendKeys("+86 " + national);
        driver.findElement(By.id("kc-send-code")).click();

        WebElement code = wait.until(d -> d.findElement(By.id("code")));
        assertThat(code.getAttribute("autocomplete")).isEqualTo("one-time-code");
        assertThat(code.getAttribute("inputmode")).isEqualTo("numeric");
        WebElement resend = driver.findElement(By.id("kc-resend"));
        assertThat(resend.isEnabled()).as("resend waits for the cooldown").isFalse();
        assertThat(resend.getText()).matches("Resend in \\d+ s");
        assertThat(driver.findElement(By.id("kc-sms-login-sent-to")).getText()).contains("+86 139****" + national.substring(7));

        code.sendKeys(aliyun.lastCodeTo(national));
        driver.findElement(By.id("kc-login")).click();

        wait.until(d -> d.getCurrentUrl().startsWith(Browser.REDIRECT_URI));
        assertThat(driver.getCurrentUrl()).contains("code=");
        UserRepresentation user = usersWithPhone(admin.realm(realm), Phones.e164(national)).get(0);
        assertThat(user.firstAttribute("phoneNumberVerified")).isEqualTo("true");
    }
}
