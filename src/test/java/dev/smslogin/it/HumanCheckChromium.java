package dev.smslogin.it;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The headless Chromium of a human-check IT: started on first use, each test on a blank page without cookies, the
 * realm's login page in a language, and screenshots under {@code target/screenshots/} (copied to docs/screenshots/).
 */
final class HumanCheckChromium implements AutoCloseable {

    private WebDriver driver;

    /** The browser, on a blank page without cookies; a wait of 20 s. */
    WebDriverWait fresh() throws Exception {
        if (driver == null) {
            driver = ChromiumLoginIT.startChromium();
        }
        try {
            driver.get("about:blank");
        } catch (WebDriverException pending) {
            driver.get("about:blank");
        }
        ((ChromeDriver) driver).executeCdpCommand("Network.clearBrowserCookies", Map.of());
        return new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    WebDriver driver() {
        return driver;
    }

    /** Opens the realm's login (the test client, PKCE) with {@code ui_locales=language}. */
    void openLogin(KeycloakServer server, String realm, String language) {
        driver.get(server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=" + Browser.CLIENT_ID
                + "&redirect_uri=" + KeycloakAdmin.encode(Browser.REDIRECT_URI) + "&response_type=code&scope=openid"
                + "&ui_locales=" + language
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
    }

    /** Writes the page as {@code target/screenshots/<name>.png}. */
    void screenshot(String name) throws Exception {
        Path screenshots = Path.of("target", "screenshots");
        Files.createDirectories(screenshots);
        Files.write(screenshots.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        if (driver != null) {
            driver.quit();
        }
    }
}
