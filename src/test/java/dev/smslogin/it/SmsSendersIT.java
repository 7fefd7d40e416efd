package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeTencentSms;
import dev.smslogin.testing.FakeTwilio;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The other SMS services on the real Keycloak: a server started with {@code --spi-sms-sender--provider=tencent}
 * (then {@code twilio}) and the provider's options, where a number logs in with the code its fake received. Each
 * server is this class's own.
 */
class SmsSendersIT {

    @Test
    @DisplayName("tencent: the code arrives through Tencent Cloud SMS, signed with the server's key, in the login template;"
            + " the number logs in; the code is in no log line; the sender's metrics are published")
    void logInThroughTencent() throws Exception {
        try (FakeTencentSms tencent = FakeTencentSms.start();
             KeycloakServer server = KeycloakServer.startWith("sender-tencent", List.of(
                     "--spi-sms-sender--provider-default=tencent",
                     "--spi-sms-sender--tencent--secret-id=" + FakeTencentSms.SECRET_ID,
                     "--spi-sms-sender--tencent--secret-key=" + FakeTencentSms.SECRET_KEY,
                     "--spi-sms-sender--tencent--sdk-app-id=" + FakeTencentSms.SDK_APP_ID,
                     "--spi-sms-sender--tencent--sign-name=" + FakeTencentSms.SIGN_NAME,
                     "--spi-sms-sender--tencent--template-id=" + FakeTencentSms.TEMPLATE_ID,
                     "--spi-sms-sender--tencent--template-id-reset=" + FakeTencentSms.TEMPLATE_ID_RESET,
                     "--spi-sms-sender--tencent--endpoint=" + tencent.endpoint(),
                     "--spi-sms-sender--tencent--protocol=http",
                     "--spi-sms-sender--tencent--read-timeout-ms=2000"),
                     // the fake's name (sms.<...>, as Tencent signs for the service of the host) on the loopback address
                     List.of("-Djdk.net.hosts.file=" + FakeTencentSms.hostsFile(Path.of("target", "tencent-hosts")).toAbsolutePath()))) {
            String realm = AdminSteps.createExampleRealm(server.adminClient(), Map.of());
            String national = Phones.newNational();

            Browser browser = new Browser(server);
            Page codePage = UserSteps.submitPhone(browser, realm, national);
            String code = tencent.lastCodeTo(Phones.e164(national));
            String sub = UserSteps.idToken(browser.tokens(UserSteps.submitCode(browser, codePage, code))).get("sub").asText();

            assertThat(sub).isNotBlank();
            assertThat(tencent.rejections()).isEmpty();
            assertThat(tencent.messagesTo(Phones.e164(national))).singleElement().satisfies(m -> {
                assertThat(m.signName()).isEqualTo(FakeTencentSms.SIGN_NAME);
                assertThat(m.templateId()).isEqualTo(FakeTencentSms.TEMPLATE_ID);
                assertThat(m.smsSdkAppId()).isEqualTo(FakeTencentSms.SDK_APP_ID);
            });
            assertThat(server.aliyun().requests()).as("the Aliyun account sends nothing").isZero();
            assertThat(server.logText()).contains("SMS sender 'tencent': at most").doesNotContain(code)
                    .doesNotContain(FakeTencentSms.SECRET_KEY).doesNotContain(national);
            assertThat(metrics(server)).anyMatch(line -> line.startsWith("sms_login_send_duration_seconds_count{")
                            && line.contains("sender=\"tencent\"") && line.contains("result=\"success\""))
                    .anyMatch(line -> line.startsWith("sms_login_sends_in_flight_limit{") && line.contains("sender=\"tencent\""));
        }
    }

    @Test
    @DisplayName("twilio: the code arrives through Twilio from the server's number, in the text of the page's language"
            + " (en, zh-CN); the number logs in; the code is in no log line")
    void logInThroughTwilio() throws Exception {
        try (FakeTwilio twilio = FakeTwilio.start();
             KeycloakServer server = KeycloakServer.startWith("sender-twilio", List.of(
                     "--spi-sms-sender--provider-default=twilio",
                     "--spi-sms-sender--twilio--account-sid=" + FakeTwilio.ACCOUNT_SID,
                     "--spi-sms-sender--twilio--auth-token=" + FakeTwilio.AUTH_TOKEN,
                     "--spi-sms-sender--twilio--from=" + FakeTwilio.FROM,
                     "--spi-sms-sender--twilio--endpoint=" + twilio.endpoint(),
                     "--spi-sms-sender--twilio--protocol=http",
                     "--spi-sms-sender--twilio--read-timeout-ms=2000"), List.of())) {
            String realm = AdminSteps.createExampleRealm(server.adminClient(), Map.of("allowedRegions", "CN,US"));
            String english = "+1628" + (2_000_000 + ThreadLocalRandom.current().nextInt(7_000_000));
            String chinese = Phones.e164(Phones.newNational());

            String code = logIn(server, twilio, realm, english, "en");
            assertThat(twilio.lastMessageTo(english).body()).isEqualTo("Your login code is " + code + ". Do not share it with anyone.");
            String chineseCode = logIn(server, twilio, realm, chinese, "zh-CN");
            assertThat(twilio.lastMessageTo(chinese).body()).isEqualTo("您的登录验证码为 " + chineseCode + "，请勿泄露给他人。");

            assertThat(twilio.rejections()).isEmpty();
            assertThat(twilio.messages()).allSatisfy(m -> assertThat(m.from()).isEqualTo(FakeTwilio.FROM));
            assertThat(server.aliyun().requests()).as("the Aliyun account sends nothing").isZero();
            assertThat(server.logText()).contains("SMS sender 'twilio': at most").doesNotContain(code).doesNotContain(chineseCode)
                    .doesNotContain(FakeTwilio.AUTH_TOKEN).doesNotContain(english);
        }
    }

    /** A login in a browser of {@code language}; returns the code the fake received. */
    private static String logIn(KeycloakServer server, FakeTwilio twilio, String realm, String e164, String language) {
        Browser browser = new Browser(server, language);
        Page codePage = UserSteps.submitPhone(browser, realm, e164);
        String code = twilio.lastCodeTo(e164);
        Page done = UserSteps.submitCode(browser, codePage, code);
        assertThat(UserSteps.idToken(browser.tokens(done)).get("sub").asText()).isNotBlank();
        return code;
    }

    private static List<String> metrics(KeycloakServer server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        return response.body().lines().toList();
    }
}
