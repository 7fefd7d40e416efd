package dev.smslogin.humancheck.aliyun;

import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.humancheck.HumanCheckUnavailableException;
import dev.smslogin.testing.FakeAliyunCaptcha;
import dev.smslogin.testing.FakeVendorApi.Misbehaviour;
import dev.smslogin.testing.MapScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider's check, with the real Aliyun SDK client, against the local fake that checks signatures as Aliyun does. */
class AliyunCaptchaCheckTest {

    private static final String FIELD = "captcha_verify_param";
    private static FakeAliyunCaptcha fake;
    private AliyunCaptchaHumanCheckFactory factory;

    @BeforeAll
    static void startFake() throws Exception {
        fake = FakeAliyunCaptcha.start();
    }

    @AfterAll
    static void stopFake() {
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

    private HumanCheck check(Map<String, String> overrides) {
        Map<String, String> options = new HashMap<>(Map.of(
                "access-key-id", FakeAliyunCaptcha.ACCESS_KEY_ID,
                "access-key-secret", FakeAliyunCaptcha.ACCESS_KEY_SECRET,
                "scene-id", FakeAliyunCaptcha.SCENE_ID,
                "prefix", FakeAliyunCaptcha.PREFIX,
                "endpoint", fake.endpoint(),
                "protocol", "http",
                "timeout-ms", "1000"));
        options.putAll(overrides);
        options.values().removeIf(String::isEmpty);
        factory = new AliyunCaptchaHumanCheckFactory();
        factory.init(MapScope.of(options));
        return factory.serverCheck();
    }

    private static Map<String, String> form(String param) {
        return Map.of("phone_number", "13912345678", FIELD, param);
    }

    @Test
    @DisplayName("given a parameter the widget gave, then it passes once, a second time it fails, and every call is signed as Aliyun checks")
    void passesOnce() {
        HumanCheck check = check(Map.of());
        String param = fake.issue();

        assertThat(check.passes(form(param), "203.0.113.7")).isTrue();
        assertThat(check.passes(form(param), "203.0.113.7")).as("reused").isFalse();

        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.verifications()).extracting(FakeAliyunCaptcha.Verification::verifyCode).containsExactly("T001", "F008");
        assertThat(fake.verifications()).allSatisfy(v -> assertThat(v.sceneId()).isEqualTo(FakeAliyunCaptcha.SCENE_ID));
    }

    @Test
    @DisplayName("given a made-up parameter, then it fails; given none, a blank or an oversized one, then it fails without a call")
    void forgedOrMissing() {
        HumanCheck check = check(Map.of());

        assertThat(check.passes(form(FakeAliyunCaptcha.forged()), "203.0.113.7")).isFalse();
        assertThat(check.passes(Map.of("phone_number", "13912345678"), "203.0.113.7")).isFalse();
        assertThat(check.passes(form("  "), "203.0.113.7")).isFalse();
        assertThat(check.passes(form("x".repeat(8193)), "203.0.113.7")).isFalse();

        assertThat(fake.requests()).isEqualTo(1);
    }

    @Test
    @DisplayName("given another scene id than the parameter's, then the parameter fails")
    void otherScene() {
        HumanCheck check = check(Map.of("scene-id", "otherScene"));

        assertThat(check.passes(form(fake.issue()), "203.0.113.7")).isFalse();
    }

    @Test
    @DisplayName("given a wrong AccessKey secret, then Aliyun refuses the signature and the check is unavailable, naming the code only")
    void wrongSecret() {
        HumanCheck check = check(Map.of("access-key-secret", "wrong"));
        String param = fake.issue();

        assertThatThrownBy(() -> check.passes(form(param), "203.0.113.7"))
                .isInstanceOf(HumanCheckUnavailableException.class)
                .hasMessageContaining("SignatureDoesNotMatch")
                .hasMessageNotContaining(param)
                .hasMessageNotContaining("wrong");
        assertThat(fake.rejections()).containsExactly("SignatureDoesNotMatch");
    }

    @Test
    @DisplayName("given the service down, answering an error code, a body that is not JSON, no verdict, or hanging up, then the check is unavailable")
    void outages() {
        HumanCheck check = check(Map.of());
        List<Misbehaviour> faults = List.of(
                FakeAliyunCaptcha.down(),
                FakeAliyunCaptcha.errorCode(400, "Throttling.User"),
                FakeAliyunCaptcha.errorCode(403, "Forbidden.RAM"),
                Misbehaviour.answer(200, "{\"RequestId\":\"1\",\"Success\":false,\"Code\":\"InternalError\"}"),
                Misbehaviour.answer(200, "{\"RequestId\":\"1\",\"Success\":true,\"Code\":\"Success\"}"),
                Misbehaviour.malformed(),
                Misbehaviour.hangUp());
        for (Misbehaviour fault : faults) {
            fake.misbehave(fault);
            assertThatThrownBy(() -> check.passes(form(fake.issue()), "203.0.113.7")).as(fault.toString())
                    .isInstanceOf(HumanCheckUnavailableException.class);
        }
        fake.behave();
        assertThat(check.passes(form(fake.issue()), "203.0.113.7")).as("back up").isTrue();
    }

    @Test
    @DisplayName("given a service slower than timeout-ms, then the check is unavailable after about timeout-ms")
    void slow() {
        HumanCheck check = check(Map.of());
        fake.misbehave(Misbehaviour.slow(Duration.ofSeconds(4)));

        long started = System.nanoTime();
        assertThatThrownBy(() -> check.passes(form(fake.issue()), "203.0.113.7")).isInstanceOf(HumanCheckUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(3000));
    }

    @Test
    @DisplayName("given no keys, scene or prefix, then a check with a parameter is unavailable without a call, and one without fails")
    void unconfigured() {
        HumanCheck check = check(Map.of("access-key-id", "", "access-key-secret", "", "scene-id", "", "prefix", ""));

        assertThatThrownBy(() -> check.passes(form(fake.issue()), "203.0.113.7"))
                .isInstanceOf(HumanCheckUnavailableException.class)
                .hasMessageContaining("access-key-id").hasMessageContaining("scene-id");
        assertThat(check.passes(Map.of(), "203.0.113.7")).isFalse();
        assertThat(fake.requests()).isZero();
    }

    @Test
    @DisplayName("the page gets the provider, our adapter, the widget's script for the adapter to load (not the page: the widget's "
            + "global config goes first) and the public scene id, prefix and region; no secret")
    void pageAttributes() {
        assertThat(check(Map.of("script-url", fake.scriptUrl())).pageAttributes()).containsOnly(
                Map.entry("provider", "aliyun-captcha"),
                Map.entry("scriptUrl", ""),
                Map.entry("widgetScriptUrl", fake.scriptUrl()),
                Map.entry("adapter", "sms-login-human-check-aliyun-captcha.js"),
                Map.entry("sceneId", FakeAliyunCaptcha.SCENE_ID),
                Map.entry("prefix", FakeAliyunCaptcha.PREFIX),
                Map.entry("region", "cn"));
        factory.close();
        assertThat(check(Map.of("endpoint", "captcha.ap-southeast-1.aliyuncs.com", "protocol", "https")).pageAttributes())
                .containsEntry("region", "sgp")
                .containsEntry("widgetScriptUrl", "https://o.alicdn.com/captcha-frontend/aliyunCaptcha/AliyunCaptcha.js");
    }

    @Test
    @DisplayName("given a bad protocol, endpoint or timeout, then start stops with the option's name")
    void badOptions() {
        assertThatThrownBy(() -> check(Map.of("protocol", "ftp"))).hasMessageContaining("'protocol'");
        assertThatThrownBy(() -> check(Map.of("endpoint", "https://captcha.cn-shanghai.aliyuncs.com"))).hasMessageContaining("'endpoint'");
        assertThatThrownBy(() -> check(Map.of("timeout-ms", "0"))).hasMessageContaining("'timeout-ms'");
        factory = null;
    }
}
