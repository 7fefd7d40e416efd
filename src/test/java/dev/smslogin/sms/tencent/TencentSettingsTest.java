package dev.smslogin.sms.tencent;

import dev.smslogin.sms.SmsFailure;
import dev.smslogin.sms.SmsPurpose;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TencentSettingsTest {

    @Test
    void defaultsAndMissingOptions() {
        TencentSettings settings = TencentSettings.from(Map.<String, String>of()::get);
        assertThat(settings.connection().endpoint()).isEqualTo("sms.tencentcloudapi.com");
        assertThat(settings.connection().protocol()).isEqualTo("https");
        assertThat(settings.connection().connectTimeoutMillis()).isEqualTo(3000);
        assertThat(settings.connection().readTimeoutMillis()).isEqualTo(5000);
        assertThat(settings.region()).isEqualTo("ap-guangzhou");
        assertThat(settings.missingOptions()).containsExactly("secret-id", "secret-key", "sdk-app-id", "sign-name", "template-id");
    }

    @Test
    void templateIdMayBeLeftOutOnlyWhenEveryPurposeHasItsOwn() {
        Map<String, String> options = new HashMap<>(Map.of("secret-id", "id", "secret-key", "key", "sdk-app-id", "1400000001", "sign-name", "s"));
        assertThat(TencentSettings.from(options::get).missingOptions()).containsExactly("template-id");
        for (SmsPurpose purpose : SmsPurpose.values()) {
            options.put("template-id-" + purpose.id(), "1");
        }
        assertThat(TencentSettings.from(options::get).missingOptions()).isEmpty();
    }

    @Test
    void theSecretNeverAppearsInToString() {
        TencentSettings settings = TencentSettings.from(Map.of("secret-id", "AKIDsecretid", "secret-key", "verysecret")::get);
        assertThat(settings.toString()).doesNotContain("verysecret").doesNotContain("AKIDsecretid");
    }

    @Test
    void invalidOptionsStopStartWithAClearMessage() {
        assertThatThrownBy(() -> TencentSettings.from(Map.of("endpoint", "127.0.0.1:8080")::get))
                .hasMessageContaining("sms-sender tencent: 'endpoint'").hasMessageContaining("sms.");
        assertThatThrownBy(() -> TencentSettings.from(Map.of("endpoint", "https://sms.tencentcloudapi.com")::get)).hasMessageContaining("'endpoint'");
        assertThatThrownBy(() -> TencentSettings.from(Map.of("sdk-app-id", "abc")::get)).hasMessageContaining("'sdk-app-id'");
        assertThatThrownBy(() -> TencentSettings.from(Map.of("region", "Guangzhou")::get)).hasMessageContaining("'region'");
        assertThatThrownBy(() -> TencentSettings.from(Map.of("protocol", "ftp")::get)).hasMessageContaining("'protocol'");
        assertThatThrownBy(() -> TencentSettings.from(Map.of("read-timeout-ms", "50")::get)).hasMessageContaining("'read-timeout-ms'");
        assertThatThrownBy(() -> TencentSettings.from(Map.of("max-concurrent-sends", "0")::get)).hasMessageContaining("'max-concurrent-sends'");
    }

    @Test
    void regionalAndProxyEndpointsOfTheSmsServiceAreAccepted() {
        assertThat(TencentSettings.from(Map.of("endpoint", "sms.ap-guangzhou.tencentcloudapi.com")::get).connection().endpoint())
                .isEqualTo("sms.ap-guangzhou.tencentcloudapi.com");
        assertThat(TencentSettings.from(Map.of("endpoint", "sms.proxy.internal:8443")::get).connection().baseUrl())
                .isEqualTo("https://sms.proxy.internal:8443");
    }

    @Test
    void errorCodesMapToWhatTheUserShouldDo() {
        assertThat(TencentErrorCodes.failureFor("LimitExceeded.PhoneNumberDailyLimit")).isEqualTo(SmsFailure.NUMBER_LIMITED);
        assertThat(TencentErrorCodes.failureFor("RequestLimitExceeded.UinLimitExceeded")).isEqualTo(SmsFailure.RATE_LIMITED);
        assertThat(TencentErrorCodes.failureFor("InvalidParameterValue.IncorrectPhoneNumber")).isEqualTo(SmsFailure.INVALID_NUMBER);
        assertThat(TencentErrorCodes.failureFor("FailedOperation.PhoneNumberInBlacklist")).isEqualTo(SmsFailure.INVALID_NUMBER);
        assertThat(TencentErrorCodes.failureFor("InvalidParameterValue.SdkAppIdNotExist")).isEqualTo(SmsFailure.MISCONFIGURED);
        assertThat(TencentErrorCodes.failureFor("AuthFailure.SecretIdNotFound")).isEqualTo(SmsFailure.MISCONFIGURED);
        assertThat(TencentErrorCodes.failureFor("UnauthorizedOperation.SmsSdkAppIdVerifyFail")).isEqualTo(SmsFailure.MISCONFIGURED);
        assertThat(TencentErrorCodes.failureFor("FailedOperation.InsufficientBalanceInSmsPackage")).isEqualTo(SmsFailure.MISCONFIGURED);
        assertThat(TencentErrorCodes.failureFor("InternalError.SendAndRecvFail")).isEqualTo(SmsFailure.UNAVAILABLE);
        assertThat(TencentErrorCodes.failureFor("Something.New")).isEqualTo(SmsFailure.UNAVAILABLE);
        assertThat(TencentErrorCodes.failureFor(null)).isEqualTo(SmsFailure.UNAVAILABLE);
    }
}
