package dev.smslogin.humancheck.geetest;

import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.humancheck.HumanCheckUnavailableException;
import dev.smslogin.testing.FakeGeetestCaptcha;
import dev.smslogin.testing.MapScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The geetest check against the local GeeTest v4 ({@link FakeGeetestCaptcha}), without Keycloak. */
class GeetestHumanCheckFactoryTest {

    static FakeGeetestCaptcha geetest;

    @BeforeAll
    static void start() throws Exception {
        geetest = FakeGeetestCaptcha.start();
    }

    @AfterAll
    static void stop() {
        geetest.close();
    }

    @AfterEach
    void behave() {
        geetest.reset();
    }

    private static HumanCheck check(String captchaId, String captchaKey, int timeoutMs) {
        GeetestHumanCheckFactory factory = new GeetestHumanCheckFactory();
        factory.init(MapScope.of(Map.of("captcha-id", captchaId, "captcha-key", captchaKey, "verify-url", geetest.verifyUrl(),
                "script-url", geetest.scriptUrl(), "timeout-ms", Integer.toString(timeoutMs))));
        return factory.serverCheck();
    }

    private static HumanCheck check() {
        return check(FakeGeetestCaptcha.CAPTCHA_ID, FakeGeetestCaptcha.CAPTCHA_KEY, 1000);
    }

    @Test
    @DisplayName("sign_token is the lowercase hex HMAC-SHA256 of lot_number under the captcha key (GeeTest's demo values)")
    void signToken() {
        assertThat(GeetestHumanCheckFactory.signToken("4dc3cfc2cdff448cad8d13107198d473", "b09a7aafbfd83f73b35a9b530d0337bf"))
                .isEqualTo("c99f3aa68104bdcd085f372dc6556a17a5a830a1a3d25125fb0010466977f3d8");
    }

    @Test
    @DisplayName("a passed challenge passes once; the same result again is refused")
    void passesOnce() {
        Map<String, String> result = geetest.solve();
        assertThat(check().passes(result, "127.0.0.1")).isTrue();
        assertThat(check().passes(result, "127.0.0.1")).as("reused").isFalse();
        assertThat(geetest.passes()).isEqualTo(1);
    }

    @Test
    @DisplayName("forged results are refused, not 'unavailable': an unknown lot_number (GeeTest's -50301), another pass_token, "
            + "a wrong captcha key")
    void forged() {
        Map<String, String> unknownLot = new HashMap<>(geetest.solve());
        unknownLot.put("lot_number", "0123456789abcdef0123456789abcdef");
        assertThat(check().passes(unknownLot, "127.0.0.1")).isFalse();

        Map<String, String> otherToken = new HashMap<>(geetest.solve());
        otherToken.put("pass_token", "f".repeat(64));
        assertThat(check().passes(otherToken, "127.0.0.1")).isFalse();

        assertThat(check(FakeGeetestCaptcha.CAPTCHA_ID, "not-the-key", 1000).passes(geetest.solve(), "127.0.0.1")).isFalse();
        assertThat(geetest.passes()).isZero();
    }

    @Test
    @DisplayName("missing or malformed fields are refused without asking GeeTest")
    void missingFields() {
        int before = geetest.validations();
        assertThat(check().passes(Map.of(), "127.0.0.1")).isFalse();
        Map<String, String> noToken = new HashMap<>(geetest.solve());
        noToken.remove("pass_token");
        assertThat(check().passes(noToken, "127.0.0.1")).isFalse();
        Map<String, String> badTime = new HashMap<>(geetest.solve());
        badTime.put("gen_time", "yesterday");
        assertThat(check().passes(badTime, "127.0.0.1")).isFalse();
        assertThat(geetest.validations()).isEqualTo(before);
    }

    @Test
    @DisplayName("GeeTest down (503), answering garbage, slower than timeout-ms, or not knowing the captcha id: unavailable")
    void unavailable() {
        geetest.down(true);
        assertThatThrownBy(() -> check().passes(geetest.solve(), "127.0.0.1")).isInstanceOf(HumanCheckUnavailableException.class);
        geetest.down(false);

        geetest.garbage(true);
        assertThatThrownBy(() -> check().passes(geetest.solve(), "127.0.0.1")).isInstanceOf(HumanCheckUnavailableException.class);
        geetest.garbage(false);

        geetest.slow(Duration.ofMillis(1500));
        long started = System.nanoTime();
        assertThatThrownBy(() -> check(FakeGeetestCaptcha.CAPTCHA_ID, FakeGeetestCaptcha.CAPTCHA_KEY, 300).passes(geetest.solve(), "127.0.0.1"))
                .isInstanceOf(HumanCheckUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1200));
        geetest.slow(Duration.ZERO);

        assertThatThrownBy(() -> check("ffffffffffffffffffffffffffffffff", FakeGeetestCaptcha.CAPTCHA_KEY, 1000).passes(geetest.solve(), "127.0.0.1"))
                .isInstanceOf(HumanCheckUnavailableException.class);
        assertThatThrownBy(() -> check("", "", 1000).passes(geetest.solve(), "127.0.0.1"))
                .as("no captcha id or key set").isInstanceOf(HumanCheckUnavailableException.class);
    }

    @Test
    @DisplayName("the page gets the provider, gt4.js, the adapter and the captcha id, never the key")
    void pageAttributes() {
        assertThat(check().pageAttributes()).containsExactlyInAnyOrderEntriesOf(Map.of("provider", "geetest",
                "scriptUrl", geetest.scriptUrl(), "adapter", "sms-login-human-check-geetest.js", "captchaId", FakeGeetestCaptcha.CAPTCHA_ID));
        GeetestHumanCheckFactory defaults = new GeetestHumanCheckFactory();
        defaults.init(MapScope.of(Map.of("captcha-id", "id", "captcha-key", "key")));
        assertThat(defaults.serverCheck().pageAttributes()).containsEntry("scriptUrl", "https://static.geetest.com/v4/gt4.js")
                .doesNotContainValue("key");
    }
}
