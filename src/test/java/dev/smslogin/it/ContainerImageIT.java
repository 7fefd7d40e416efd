package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smslogin.it.Browser.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static dev.smslogin.it.UserSteps.idToken;
import static dev.smslogin.it.UserSteps.submitCode;
import static dev.smslogin.it.UserSteps.submitPhone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production image: the repository's Dockerfile built on the Keycloak image, started {@code start --optimized}
 * by testcontainers-keycloak, with Redis, the app's MySQL and the fake Aliyun (docs/install.md, "Docker"). Runs with
 * {@code mvn -B verify -Pcontainers}; needs a Docker engine and the images.
 */
@Tag("containers")
@DisplayName("the image built from the Dockerfile, in a container")
class ContainerImageIT {

    static ContainerStack stack;
    static KeycloakAdmin admin;
    static String realm;

    @BeforeAll
    static void start() {
        stack = ContainerStack.start();
        admin = new KeycloakAdmin(stack.baseUrl());
        realm = admin.createRealm(Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("runs the build-time options of the Dockerfile: production mode, optimized, health and metrics on 9000")
    void optimizedProductionServer() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(stack.managementUrl() + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(stack.managementUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("sms_login_");
        assertThat(stack.keycloakLog())
                .doesNotContain("Running the server in development mode")
                .doesNotContain("differ from what is persisted")  // no build-time option differs at runtime
                .contains("Profile prod activated");
    }

    @Test
    @DisplayName("signs up a new number: code by SMS, a Keycloak user with the verified number, REGISTER and LOGIN")
    void signUp() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        Browser browser = new Browser(stack.baseUrl(), "en");

        Page codePage = submitPhone(browser, realm, national);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        assertThat(stack.aliyun().messagesTo(national)).hasSize(1);
        Page done = submitCode(browser, codePage, stack.aliyun().lastCodeTo(national));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();

        JsonNode claims = idToken(browser.tokens(done));
        List<JsonNode> users = admin.usersWithPhone(realm, e164);
        assertThat(users).singleElement().satisfies(user -> {
            assertThat(user.get("id").asText()).isEqualTo(claims.get("sub").asText());
            assertThat(user.get("attributes").get("phoneNumberVerified").get(0).asText()).isEqualTo("true");
        });
        assertThat(admin.events(realm, "REGISTER")).anySatisfy(e -> assertThat(e.get("userId").asText()).isEqualTo(claims.get("sub").asText()));
        assertThat(admin.events(realm, "LOGIN")).anySatisfy(e -> assertThat(e.get("userId").asText()).isEqualTo(claims.get("sub").asText()));
        assertThat(stack.aliyun().rejections()).isEmpty();
        assertThat(stack.keycloakLog()).doesNotContain(stack.aliyun().lastCodeTo(national));
    }

    @Test
    @DisplayName("a returning number logs into the user it created, with a new code")
    void returningLogin() throws InterruptedException {
        String national = Phones.newNational();
        String first = logIn(national);
        Thread.sleep(1100);    // the realm's resend cooldown
        String second = logIn(national);

        assertThat(second).isEqualTo(first);
        assertThat(stack.aliyun().messagesTo(national)).hasSize(2);
        assertThat(admin.usersWithPhone(realm, Phones.e164(national))).hasSize(1);
    }

    @Test
    @DisplayName("mirrors a new number into the app's MySQL tables through the XA datasource: a user row, a 'P' row, appUserId")
    void mysqlMirror() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        String userId = logIn(national);

        String loginRow = "FROM user_login_method WHERE login_method = 'P' AND identification = '" + e164 + "'";
        assertThat(stack.count("SELECT COUNT(*) " + loginRow)).isEqualTo(1);
        long appUserId = stack.count("SELECT user_id " + loginRow);
        assertThat(stack.count("SELECT COUNT(*) FROM `user` WHERE id = " + appUserId)).isEqualTo(1);
        JsonNode user = admin.user(realm, userId);
        assertThat(user.get("attributes").get("appUserId").get(0).asText()).isEqualTo(String.valueOf(appUserId));
    }

    /** A whole login in a fresh browser; the user id ({@code sub}) the client gets. */
    private static String logIn(String national) {
        Browser browser = new Browser(stack.baseUrl(), "en");
        Page codePage = submitPhone(browser, realm, national);
        Page done = submitCode(browser, codePage, stack.aliyun().lastCodeTo(national));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
        return idToken(browser.tokens(done)).get("sub").asText();
    }
}
