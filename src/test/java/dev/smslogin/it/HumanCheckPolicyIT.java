package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeSiteVerify;
import dev.smslogin.testing.TcpProxy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;

import java.net.InetAddress;
import java.util.Map;
import java.util.UUID;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a flow asks its human check ({@code humanCheckAfterSends}) and what the check's outage does
 * ({@code humanCheckOutage}), on the real Keycloak with the siteverify stand-in: pages and the native-app API.
 */
class HumanCheckPolicyIT {

    private static final String OTHER_CLIENT = "127.0.0.2";
    private static final String REQUIRED = "Several codes were asked for just now. Please complete the verification below";

    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static FakeSiteVerify captcha;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = server.adminClient();
        aliyun = server.aliyun();
        captcha = server.dependencies().captcha();
    }

    @Test
    @DisplayName("humanCheckAfterSends=2, per client: two codes with no widget anywhere; then the code page and a new phone page show it,"
            + " a number without a token gets no SMS and the page asks for the check, with one it goes out; the API answers"
            + " human_check_required, then sends with a token; another client's phone page shows no widget")
    void afterSendsFromOneClient() throws Exception {
        String realm = createExampleRealm(admin, Map.of("humanCheck", "siteverify", "humanCheckAfterSends", "2",
                "maxSendsPerIpPerHour", "100"));
        try {
            for (int i = 1; i <= 2; i++) {
                String number = Phones.newNational();
                Browser browser = new Browser(server);
                Page phonePage = browser.startLogin(realm);
                assertThat(widget(phonePage)).as("phone page before send " + i).isFalse();
                Page codePage = browser.submit(phonePage, Map.of("phone_number", number), null);
                assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
                assertThat(aliyun.messagesTo(number)).hasSize(1);
                assertThat(widget(codePage)).as("the code page after send " + i + ": a resend would be send " + (i + 1))
                        .isEqualTo(i == 2);
            }
            Browser browser = new Browser(server);
            Page phonePage = browser.startLogin(realm);
            assertThat(widget(phonePage)).as("this client had 2 codes: the next asks the check").isTrue();
            String third = Phones.newNational();
            Page refused = browser.submit(phonePage, Map.of("phone_number", third), null);
            assertThat(refused.isPhonePage()).isTrue();
            assertThat(refused.text()).contains(REQUIRED);
            assertThat(widget(refused)).isTrue();
            assertThat(aliyun.messagesTo(third)).as("no token, no SMS").isEmpty();
            Page sent = browser.submit(refused, Map.of("phone_number", third, "captcha_token", "human-" + UUID.randomUUID()), null);
            assertThat(sent.isCodePage()).as(sent.text()).isTrue();
            assertThat(aliyun.messagesTo(third)).hasSize(1);

            NativeApp app = new NativeApp(server, realm);
            String fourth = Phones.newNational();
            NativeApp.Answer required = app.sendCode(fourth);
            assertThat(required.status()).isEqualTo(400);
            assertThat(required.error()).isEqualTo("human_check_required");
            assertThat(aliyun.messagesTo(fourth)).isEmpty();
            NativeApp.Answer ok = sendWithToken(app, fourth);
            assertThat(ok.status()).as(ok.json().toString()).isEqualTo(200);
            assertThat(aliyun.messagesTo(fourth)).hasSize(1);

            try (TcpProxy otherClient = otherClient()) {
                Page otherPage = new Browser(url(otherClient), "en").startLogin(realm);
                assertThat(otherPage.isPhonePage()).as(otherPage.text()).isTrue();
                assertThat(widget(otherPage)).as("a client with no codes (" + OTHER_CLIENT + ") sees no widget").isFalse();
            }
        } finally {
            admin.realm(realm).remove();
        }
    }

    @Test
    @DisplayName("humanCheckAfterSends=2, per number: a number that got two codes, one from each of two clients, needs the check from"
            + " either, though neither client reached 2: no widget on the phone page, none sent without a token (page and API),"
            + " sent with one")
    void afterSendsToOneNumber() throws Exception {
        String realm = createExampleRealm(admin, Map.of("humanCheck", "siteverify", "humanCheckAfterSends", "2",
                "resendCooldownSeconds", "1", "maxSendsPerIpPerHour", "100"));
        try (TcpProxy otherClient = otherClient()) {
            String otherUrl = url(otherClient);
            String number = Phones.newNational();
            assertThat(new NativeApp(server, realm).sendCode(number).status()).as("code 1, from 127.0.0.1").isEqualTo(200);
            Thread.sleep(1100);
            assertThat(new NativeApp(otherUrl, realm).sendCode(number).status()).as("code 2, from " + OTHER_CLIENT).isEqualTo(200);
            assertThat(aliyun.messagesTo(number)).hasSize(2);
            Thread.sleep(1100);

            Browser browser = new Browser(server);
            Page phonePage = browser.startLogin(realm);
            assertThat(widget(phonePage)).as("this client had one code").isFalse();
            Page refused = browser.submit(phonePage, Map.of("phone_number", number), null);
            assertThat(refused.isPhonePage()).isTrue();
            assertThat(refused.text()).contains(REQUIRED);
            assertThat(widget(refused)).as("the page now shows the check for this number").isTrue();
            assertThat(aliyun.messagesTo(number)).hasSize(2);
            Page sent = browser.submit(refused, Map.of("phone_number", number, "captcha_token", "human-" + UUID.randomUUID()), null);
            assertThat(sent.isCodePage()).as(sent.text()).isTrue();
            assertThat(aliyun.messagesTo(number)).hasSize(3);
            Thread.sleep(1100);

            NativeApp other = new NativeApp(otherUrl, realm);
            NativeApp.Answer required = other.sendCode(number);
            assertThat(required.status()).isEqualTo(400);
            assertThat(required.error()).isEqualTo("human_check_required");
            assertThat(aliyun.messagesTo(number)).hasSize(3);
            assertThat(sendWithToken(other, number).status()).isEqualTo(200);
            assertThat(aliyun.messagesTo(number)).hasSize(4);
        } finally {
            admin.realm(realm).remove();
        }
    }

    @Test
    @DisplayName("humanCheckOutage=allow with the CAPTCHA service down: the first code goes out without the check, the outage's fifth"
            + " of maxSendsPerIpPerHour (5: 1) refuses the next (page and API), the metric counts the decisions, one warning for the"
            + " outage; back up, the check is asked again; with the default (refuse) the page says temporarily unavailable")
    void outageAllowed() {
        String realm = createExampleRealm(admin, Map.of("humanCheck", "siteverify", "humanCheckOutage", "allow",
                "maxSendsPerIpPerHour", "5"));
        String refusing = createExampleRealm(admin, Map.of("humanCheck", "siteverify", "maxSendsPerIpPerHour", "100"));
        captcha.down(true);
        try {
            String first = Phones.newNational();
            Page sent = submitWithToken(realm, first);
            assertThat(sent.isCodePage()).as(sent.text()).isTrue();
            assertThat(aliyun.messagesTo(first)).hasSize(1);

            String second = Phones.newNational();
            Page tooMany = submitWithToken(realm, second);
            assertThat(tooMany.isPhonePage()).isTrue();
            assertThat(tooMany.text()).contains("Too many codes were requested.");
            assertThat(aliyun.messagesTo(second)).isEmpty();
            String third = Phones.newNational();
            NativeApp.Answer slowDown = sendWithToken(new NativeApp(server, realm), third);
            assertThat(slowDown.status()).isEqualTo(429);
            assertThat(aliyun.messagesTo(third)).isEmpty();

            assertThat(metric("decision=\"allowed\"", realm)).isEqualTo(3.0);
            String log = server.logText();
            assertThat(occurrences(log, "human check 'siteverify' of realm '" + realm + "' is unavailable")).as("one warning").isEqualTo(1);
            assertThat(log).doesNotContain(FakeSiteVerify.SECRET);

            Page unavailable = submitWithToken(refusing, Phones.newNational());
            assertThat(unavailable.text()).contains("temporarily unavailable");
            assertThat(metric("decision=\"refused\"", refusing)).isEqualTo(1.0);

            captcha.down(false);
            String fourth = Phones.newNational();
            Page checkAgain = UserSteps.submitPhone(new Browser(server), realm, fourth);
            assertThat(checkAgain.text()).contains("Please complete the verification before we send a code.");
            assertThat(aliyun.messagesTo(fourth)).isEmpty();
            assertThat(server.logText()).contains("human check 'siteverify' of realm '" + realm + "' answers again");
        } finally {
            captcha.down(false);
            admin.realm(realm).remove();
            admin.realm(refusing).remove();
        }
    }

    private static NativeApp.Answer sendWithToken(NativeApp app, String national) {
        return app.post(app.codesUrl(), NativeApp.form("client_id", NativeApp.CLIENT_ID, "phone_number", national,
                "captcha_token", "human-" + UUID.randomUUID()), Map.of());
    }

    /** The phone page of a new login, submitted with {@code national} and a token the check would pass. */
    private static Page submitWithToken(String realm, String national) {
        Browser browser = new Browser(server);
        return browser.submit(browser.startLogin(realm), Map.of("phone_number", national, "captcha_token", "human-" + UUID.randomUUID()), null);
    }

    private static boolean widget(Page page) {
        return !page.document().select("#kc-human-check [data-sitekey=test-site-key]").isEmpty();
    }

    private static double metric(String tag, String realm) {
        return server.metricsText().lines()
                .filter(line -> line.startsWith("sms_login_human_check_outage_total{") && line.contains("realm=\"" + realm + "\"")
                        && line.contains("provider=\"siteverify\"") && line.contains(tag))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    /** A way in to Keycloak whose connections come from {@value #OTHER_CLIENT}: to Keycloak, another client. */
    private static TcpProxy otherClient() throws java.io.IOException {
        return new TcpProxy(java.net.URI.create(server.baseUrl()).getPort(), InetAddress.getByName(OTHER_CLIENT));
    }

    private static String url(TcpProxy proxy) {
        return "http://127.0.0.1:" + proxy.port();
    }
}
