package dev.smslogin.carrier;

import dev.smslogin.sms.aliyun.AliyunSettings;
import dev.smslogin.sms.aliyun.AliyunSmsSenderFactory;
import dev.smslogin.testing.FakeAliyunPnvs;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeVendorApi.Misbehaviour;
import com.aliyuncs.DefaultAcsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real Aliyun SDK against {@link FakeAliyunPnvs}, which checks every request's signature as Aliyun does. */
class AliyunPnvsCheckTest {

    static FakeAliyunPnvs pnvs;
    static DefaultAcsClient client;
    static AliyunPnvsCheck check;

    @BeforeAll
    static void start() throws Exception {
        pnvs = FakeAliyunPnvs.start();
        OneTapService service = OneTapService.from(Map.of(OneTapService.ENDPOINT, pnvs.endpoint(), OneTapService.PROTOCOL, "http",
                OneTapService.TIMEOUT_MS, "500")::get);
        client = AliyunSmsSenderFactory.newClient(AliyunSettings.from(Map.of("access-key-id", FakeAliyunSms.ACCESS_KEY_ID,
                "access-key-secret", FakeAliyunSms.ACCESS_KEY_SECRET, "endpoint", pnvs.endpoint(), "protocol", "http",
                "connect-timeout-ms", "500", "read-timeout-ms", "500")::get));
        check = new AliyunPnvsCheck(client, service);
    }

    @AfterAll
    static void stop() {
        client.shutdown();
        pnvs.close();
    }

    @BeforeEach
    void reset() {
        pnvs.reset();
    }

    @Test
    @DisplayName("GetMobile answers the SIM's number once; the same token again is refused with Aliyun's code; requests are signed as Aliyun checks")
    void getMobile() {
        String token = pnvs.issue("13912345678");
        assertThat(check.mobile(token, "out-1")).isEqualTo("13912345678");
        assertThatThrownBy(() -> check.mobile(token, "out-2")).isInstanceOf(CarrierTokenRefusedException.class)
                .satisfies(e -> assertThat(((CarrierTokenRefusedException) e).code()).isEqualTo("isv.TOKEN_INVALID"));
        assertThat(pnvs.rejections()).isEmpty();
        assertThat(pnvs.calls(FakeAliyunPnvs.GET_MOBILE)).isEqualTo(2);
    }

    @Test
    @DisplayName("VerifyMobile: PASS for the SIM's number, REJECT for another, UNKNOWN where the carrier cannot tell; a malformed number is refused")
    void verifyMobile() {
        assertThat(check.verify(pnvs.issue("13912345678"), "13912345678", "o")).isEqualTo(CarrierCheck.Verdict.PASS);
        assertThat(check.verify(pnvs.issue("13912345678"), "13800000000", "o")).isEqualTo(CarrierCheck.Verdict.REJECT);
        assertThat(check.verify(pnvs.issueUnknown(), "13800000000", "o")).isEqualTo(CarrierCheck.Verdict.UNKNOWN);
        assertThatThrownBy(() -> check.verify(pnvs.issue("13912345678"), "12345", "o")).isInstanceOf(CarrierTokenRefusedException.class);
        assertThat(pnvs.rejections()).isEmpty();
    }

    @Test
    @DisplayName("down (503), an account's error code, a gateway page, a hang-up or no answer within the timeout: unavailable, never a refusal of the token")
    void outages() {
        for (Misbehaviour misbehaviour : new Misbehaviour[]{FakeAliyunPnvs.down(), FakeAliyunPnvs.errorCode("isv.RAM_PERMISSION_DENY"),
                FakeAliyunPnvs.errorCode("RESOURCE_NOT_ENOUGH"), Misbehaviour.malformed(), Misbehaviour.hangUp(),
                Misbehaviour.slow(Duration.ofMillis(1500))}) {
            pnvs.misbehave(misbehaviour);
            String token = pnvs.issue("13912345678");
            long start = System.nanoTime();
            assertThatThrownBy(() -> check.mobile(token, "o")).as(misbehaviour.toString()).isInstanceOf(CarrierUnavailableException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token).doesNotContain("13912345678"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1400));
        }
    }

    @Test
    @DisplayName("settings: one-tap off per flow by default; the server's service at Aliyun's endpoint by default; wrong values are named; keys go in pairs and are never printed")
    void settings() {
        assertThat(OneTapSettings.parse(null).enabled()).isFalse();
        assertThat(OneTapSettings.parse(Map.of(OneTapSettings.ONE_TAP, "true")).enabled()).isTrue();
        assertThatThrownBy(() -> OneTapSettings.parse(Map.of(OneTapSettings.ONE_TAP, "yes"))).hasMessageContaining("oneTap ");
        OneTapService defaults = OneTapService.from(name -> null);
        assertThat(defaults.endpoint()).isEqualTo("dypnsapi.aliyuncs.com");
        assertThat(defaults.protocol()).isEqualTo("https");
        assertThat(defaults.timeoutMillis()).isEqualTo(3000);
        assertThat(defaults.accessKeyId()).isNull();
        assertThatThrownBy(() -> OneTapService.from(Map.of(OneTapService.ENDPOINT, "https://x/", OneTapService.TIMEOUT_MS, "50",
                OneTapService.ACCESS_KEY_ID, "id")::get))
                .hasMessageContaining("one-tap-endpoint").hasMessageContaining("one-tap-timeout-ms").hasMessageContaining("one-tap-access-key-secret");
        assertThat(OneTapService.from(Map.of(OneTapService.ACCESS_KEY_ID, "LTAIexampleKeyId", OneTapService.ACCESS_KEY_SECRET,
                "topSecretValue")::get).toString()).doesNotContain("LTAIexampleKeyId").doesNotContain("topSecretValue");
    }
}
