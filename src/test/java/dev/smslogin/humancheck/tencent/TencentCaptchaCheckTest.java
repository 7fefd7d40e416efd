package dev.smslogin.humancheck.tencent;

import dev.smslogin.cloudsdk.TencentClients;
import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.humancheck.HumanCheckUnavailableException;
import dev.smslogin.testing.FakeTencentCaptcha;
import dev.smslogin.testing.FakeVendorApi.Misbehaviour;
import dev.smslogin.testing.LogCapture;
import dev.smslogin.testing.MapScope;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The provider's check, with Tencent's SDK ({@code CommonClient}, TC3 signing) on the product's OkHttp client, against the
 * local fake that checks signatures, the application and its key as Tencent does.
 */
class TencentCaptchaCheckTest {

    private static final String USER_IP = "203.0.113.7";
    private static FakeTencentCaptcha fake;
    private static OkHttpClient http;
    private TencentCaptchaHumanCheckFactory factory;

    @BeforeAll
    static void start() throws Exception {
        fake = FakeTencentCaptcha.start();
        // the product's client, with the fake's name on the loopback address (as a hosts file would)
        http = TencentClients.newHttpClient(8).newBuilder().dns(TencentCaptchaCheckTest::resolve).build();
    }

    private static List<InetAddress> resolve(String host) throws UnknownHostException {
        return host.equals(FakeTencentCaptcha.HOST) ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host);
    }

    @AfterAll
    static void stop() {
        TencentClients.close(http);
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    @AfterEach
    void closeFactory() {
        if (factory != null) {
            factory.close();
        }
    }

    private static Map<String, String> options(Map<String, String> overrides) {
        Map<String, String> options = new HashMap<>(Map.of(
                "secret-id", FakeTencentCaptcha.SECRET_ID,
                "secret-key", FakeTencentCaptcha.SECRET_KEY,
                "captcha-app-id", FakeTencentCaptcha.CAPTCHA_APP_ID,
                "app-secret-key", FakeTencentCaptcha.APP_SECRET_KEY,
                "endpoint", fake.endpoint(),
                "protocol", "http",
                "script-url", fake.scriptUrl(),
                "timeout-ms", "1000"));
        options.putAll(overrides);
        options.values().removeIf(String::isEmpty);
        return options;
    }

    /** The check the factory builds from these options, on the test's client (which resolves the fake's name). */
    private static HumanCheck check(Map<String, String> overrides) {
        TencentCaptchaSettings settings = TencentCaptchaSettings.from(options(overrides)::get);
        return new TencentCaptchaCheck(TencentCaptchaHumanCheckFactory.newClient(settings, http), settings);
    }

    private HumanCheck fromFactory(Map<String, String> overrides) {
        factory = new TencentCaptchaHumanCheckFactory();
        factory.init(MapScope.of(options(overrides)));
        return factory.serverCheck();
    }

    private static Map<String, String> form(Map<String, String> result) {
        Map<String, String> form = new HashMap<>(result);
        form.put("phone_number", "13912345678");
        return form;
    }

    @Test
    @DisplayName("given a ticket the widget gave, then it passes once, a second time it fails (9: reused), every call signed as "
            + "Tencent checks, with CaptchaType 9, the app id and key, and the user's IP")
    void passesOnce() {
        HumanCheck check = check(Map.of());
        Map<String, String> ticket = fake.issue();

        assertThat(check.passes(form(ticket), USER_IP)).isTrue();
        assertThat(check.passes(form(ticket), USER_IP)).as("reused").isFalse();

        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.verifications()).extracting(FakeTencentCaptcha.Verification::captchaCode).containsExactly(1, 9);
        assertThat(fake.verifications()).allSatisfy(v -> assertThat(v.userIp()).isEqualTo(USER_IP));
    }

    @Test
    @DisplayName("given a made-up ticket, another randstr, or a wrong AppSecretKey, then it fails; given no ticket or randstr, "
            + "blank or oversized ones, then it fails without a call")
    void forgedOrMissing() {
        HumanCheck check = check(Map.of());

        assertThat(check.passes(form(Map.of("ticket", "tr0forged*", "randstr", "@abc")), USER_IP)).as("made up").isFalse();
        Map<String, String> otherRandstr = new HashMap<>(fake.issue());
        otherRandstr.put("randstr", "@zzz");
        assertThat(check.passes(form(otherRandstr), USER_IP)).as("another randstr").isFalse();
        assertThat(check(Map.of("app-secret-key", "notTheKey")).passes(form(fake.issue()), USER_IP)).as("wrong AppSecretKey").isFalse();
        assertThat(fake.verifications()).extracting(FakeTencentCaptcha.Verification::captchaCode).containsExactly(15, 7, 100);

        Map<String, String> issued = fake.issue();
        assertThat(check.passes(Map.of("phone_number", "13912345678"), USER_IP)).isFalse();
        assertThat(check.passes(form(Map.of("ticket", issued.get("ticket"))), USER_IP)).as("no randstr").isFalse();
        assertThat(check.passes(form(Map.of("ticket", " ", "randstr", issued.get("randstr"))), USER_IP)).isFalse();
        assertThat(check.passes(form(Map.of("ticket", "x".repeat(4097), "randstr", "@abc")), USER_IP)).isFalse();
        assertThat(fake.requests()).isEqualTo(3);
        assertThat(check.passes(form(issued), USER_IP)).as("the ticket was never sent").isTrue();
    }

    @Test
    @DisplayName("given a wrong SecretKey, then Tencent refuses the signature and the check is unavailable, naming the code only")
    void wrongSecretKey() {
        HumanCheck check = check(Map.of("secret-key", "wrongSecretKey"));
        Map<String, String> ticket = fake.issue();

        assertThatThrownBy(() -> check.passes(form(ticket), USER_IP))
                .isInstanceOf(HumanCheckUnavailableException.class)
                .hasMessageContaining("AuthFailure.SignatureFailure")
                .hasMessageNotContaining(ticket.get("ticket"))
                .hasMessageNotContaining("wrongSecretKey");
        assertThat(fake.rejections()).containsExactly("AuthFailure.SignatureFailure");
    }

    @Test
    @DisplayName("given the service down, a service error, a CaptchaCode about the service or account (26, 31), a body that is not "
            + "JSON, no CaptchaCode, or a hang-up, then the check is unavailable; back up, it passes")
    void outages() {
        HumanCheck check = check(Map.of());
        List<Misbehaviour> faults = List.of(
                FakeTencentCaptcha.down(),
                FakeTencentCaptcha.serviceError(),
                FakeTencentCaptcha.captchaCode(26),
                FakeTencentCaptcha.captchaCode(31),
                Misbehaviour.answer(200, "{\"Response\":{\"RequestId\":\"1\"}}"),
                Misbehaviour.malformed(),
                Misbehaviour.hangUp());
        for (Misbehaviour fault : faults) {
            fake.misbehave(fault);
            assertThatThrownBy(() -> check.passes(form(fake.issue()), USER_IP)).as(fault.toString())
                    .isInstanceOf(HumanCheckUnavailableException.class);
        }
        fake.behave();
        assertThat(check.passes(form(fake.issue()), USER_IP)).as("back up").isTrue();
    }

    @Test
    @DisplayName("given a service slower than timeout-ms, then the check is unavailable after about timeout-ms")
    void slow() {
        HumanCheck check = check(Map.of());
        fake.misbehave(Misbehaviour.slow(Duration.ofSeconds(4)));

        long started = System.nanoTime();
        assertThatThrownBy(() -> check.passes(form(fake.issue()), USER_IP)).isInstanceOf(HumanCheckUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(3000));
    }

    @Test
    @DisplayName("given no keys or application, then a check with a ticket is unavailable without a call (and start names what is "
            + "missing), and one without fails")
    void unconfigured() {
        HumanCheck check;
        try (LogCapture log = LogCapture.of(TencentCaptchaHumanCheckFactory.class)) {
            check = fromFactory(Map.of("secret-id", "", "secret-key", "", "app-secret-key", ""));
            assertThat(log.warnings()).singleElement().asString().contains("secret-id").contains("app-secret-key");
        }
        assertThatThrownBy(() -> check.passes(form(fake.issue()), USER_IP))
                .isInstanceOf(HumanCheckUnavailableException.class)
                .hasMessageContaining("secret-key").hasMessageContaining("app-secret-key");
        assertThat(check.passes(Map.of(), USER_IP)).isFalse();
        assertThat(fake.requests()).isZero();
    }

    @Test
    @DisplayName("the page gets the provider, the widget's script, our adapter and the public CaptchaAppId; never a secret")
    void pageAttributes() {
        assertThat(fromFactory(Map.of()).pageAttributes()).containsOnly(
                Map.entry("provider", "tencent-captcha"),
                Map.entry("scriptUrl", fake.scriptUrl()),
                Map.entry("adapter", "sms-login-human-check-tencent-captcha.js"),
                Map.entry("captchaAppId", FakeTencentCaptcha.CAPTCHA_APP_ID));
        factory.close();
        assertThat(fromFactory(Map.of("script-url", "")).pageAttributes())
                .containsEntry("scriptUrl", "https://turing.captcha.qcloud.com/TJCaptcha.js");
        assertThat(factory.getOperationalInfo().toString()).doesNotContain(FakeTencentCaptcha.SECRET_KEY)
                .doesNotContain(FakeTencentCaptcha.APP_SECRET_KEY);
    }

    @Test
    @DisplayName("given a bad protocol, endpoint, CaptchaAppId or timeout, then start stops with the option's name")
    void badOptions() {
        assertThatThrownBy(() -> fromFactory(Map.of("protocol", "ftp"))).hasMessageContaining("'protocol'");
        assertThatThrownBy(() -> fromFactory(Map.of("endpoint", "https://captcha.tencentcloudapi.com"))).hasMessageContaining("'endpoint'");
        assertThatThrownBy(() -> fromFactory(Map.of("captcha-app-id", "abc"))).hasMessageContaining("'captcha-app-id'");
        assertThatThrownBy(() -> fromFactory(Map.of("timeout-ms", "0"))).hasMessageContaining("'timeout-ms'");
        factory = null;
    }
}
