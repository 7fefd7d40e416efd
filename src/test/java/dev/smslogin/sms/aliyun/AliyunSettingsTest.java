package dev.smslogin.sms.aliyun;

import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.sms.SmsFailure;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AliyunSettingsTest {

    @Test
    void defaultsAndMissingOptions() {
        AliyunSettings settings = AliyunSettings.from(Map.<String, String>of()::get);
        assertThat(settings.connection().endpoint()).isEqualTo("dysmsapi.aliyuncs.com");
        assertThat(settings.connection().protocol()).isEqualTo("https");
        assertThat(settings.regionId()).isEqualTo("cn-hangzhou");
        assertThat(settings.templateParam()).isEqualTo("code");
        assertThat(settings.connection().connectTimeoutMillis()).isEqualTo(3000);
        assertThat(settings.connection().readTimeoutMillis()).isEqualTo(5000);
        assertThat(settings.missingOptions()).containsExactly("access-key-id", "access-key-secret", "sign-name", "template-code");
    }

    @Test
    void theSecretNeverAppearsInToString() {
        AliyunSettings settings = AliyunSettings.from(Map.of("access-key-id", "LTAIkey", "access-key-secret", "verysecret",
                "sign-name", "x", "template-code", "SMS_1")::get);
        assertThat(settings.missingOptions()).isEmpty();
        assertThat(settings.toString()).doesNotContain("verysecret").doesNotContain("LTAIkey");
    }

    @Test
    void invalidOptionsStopStartWithAClearMessage() {
        assertThatThrownBy(() -> AliyunSettings.from(Map.of("protocol", "ftp")::get)).hasMessageContaining("'protocol'");
        assertThatThrownBy(() -> AliyunSettings.from(Map.of("read-timeout-ms", "abc")::get)).hasMessageContaining("'read-timeout-ms'");
        assertThatThrownBy(() -> AliyunSettings.from(Map.of("connect-timeout-ms", "0")::get)).hasMessageContaining("'connect-timeout-ms'");
        assertThatThrownBy(() -> AliyunSettings.from(Map.of("endpoint", "http://x/y")::get)).hasMessageContaining("'endpoint'");
        assertThatThrownBy(() -> AliyunSettings.from(Map.of("template-param", "a\"b")::get)).hasMessageContaining("'template-param'");
    }

    @Test
    void errorCodesMapToWhatTheUserShouldDo() {
        assertThat(AliyunErrorCodes.failureFor("isv.BUSINESS_LIMIT_CONTROL")).isEqualTo(SmsFailure.NUMBER_LIMITED);
        assertThat(AliyunErrorCodes.failureFor("isv.DAY_LIMIT_CONTROL")).isEqualTo(SmsFailure.NUMBER_LIMITED);
        assertThat(AliyunErrorCodes.failureFor("isv.MOBILE_NUMBER_ILLEGAL")).isEqualTo(SmsFailure.INVALID_NUMBER);
        assertThat(AliyunErrorCodes.failureFor("isv.AMOUNT_NOT_ENOUGH")).isEqualTo(SmsFailure.MISCONFIGURED);
        assertThat(AliyunErrorCodes.failureFor("SignatureDoesNotMatch")).isEqualTo(SmsFailure.MISCONFIGURED);
        assertThat(AliyunErrorCodes.failureFor("InvalidAccessKeyId.NotFound")).isEqualTo(SmsFailure.MISCONFIGURED);
        assertThat(AliyunErrorCodes.failureFor("isp.SYSTEM_ERROR")).isEqualTo(SmsFailure.UNAVAILABLE);
        assertThat(AliyunErrorCodes.failureFor("something.new")).isEqualTo(SmsFailure.UNAVAILABLE);
        assertThat(AliyunErrorCodes.failureFor(null)).isEqualTo(SmsFailure.UNAVAILABLE);
    }

    @Test
    void numbersGoInTheFormAliyunExpects() {
        assertThat(AliyunSmsSender.aliyunNumber(PhoneNumber.fromE164("+8613912345678"))).isEqualTo("13912345678");
        assertThat(AliyunSmsSender.aliyunNumber(PhoneNumber.fromE164("+85251234567"))).isEqualTo("85251234567");
        assertThat(AliyunSmsSender.aliyunNumber(PhoneNumber.fromE164("+14155552671"))).isEqualTo("14155552671");
    }
}
