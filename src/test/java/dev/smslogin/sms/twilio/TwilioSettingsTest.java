package dev.smslogin.sms.twilio;

import dev.smslogin.sms.SmsFailure;
import dev.smslogin.sms.SmsPurpose;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TwilioSettingsTest {

    private static final String SID = "AC0123456789abcdef0123456789abcdef";

    @Test
    void defaultsAndMissingOptions() {
        TwilioSettings settings = TwilioSettings.from(Map.<String, String>of()::get);
        assertThat(settings.connection().baseUrl()).isEqualTo("https://api.twilio.com");
        assertThat(settings.missingOptions()).containsExactly("account-sid", "auth-token", "from (or messaging-service-sid)");
        assertThat(TwilioSettings.from(Map.of("account-sid", SID, "auth-token", "t", "messaging-service-sid",
                "MG0123456789abcdef0123456789abcdef")::get).missingOptions()).isEmpty();
        assertThat(TwilioSettings.from(Map.of("account-sid", SID, "auth-token", "t", "from", "ACME")::get).missingOptions()).isEmpty();
    }

    @Test
    void theTokenNeverAppearsInToString() {
        TwilioSettings settings = TwilioSettings.from(Map.of("account-sid", SID, "auth-token", "verysecret")::get);
        assertThat(settings.toString()).doesNotContain("verysecret").doesNotContain(SID);
    }

    @Test
    void invalidOptionsStopStartWithAClearMessage() {
        assertThatThrownBy(() -> TwilioSettings.from(Map.of("account-sid", "SK123")::get)).hasMessageContaining("sms-sender twilio: 'account-sid'");
        assertThatThrownBy(() -> TwilioSettings.from(Map.of("messaging-service-sid", "MG1")::get)).hasMessageContaining("'messaging-service-sid'");
        assertThatThrownBy(() -> TwilioSettings.from(Map.of("from", "0415 555 2671")::get)).hasMessageContaining("'from'");
        assertThatThrownBy(() -> TwilioSettings.from(Map.of("message", "Your code")::get)).hasMessageContaining("'message'").hasMessageContaining("{code}");
        assertThatThrownBy(() -> TwilioSettings.from(Map.of("message-reset", "Reset")::get)).hasMessageContaining("'message-reset'");
        assertThatThrownBy(() -> TwilioSettings.from(Map.of("endpoint", "https://api.twilio.com")::get)).hasMessageContaining("'endpoint'");
    }

    @Test
    void theMessageKeysOfTheTheme() {
        assertThat(TwilioTexts.messageKey(SmsPurpose.LOGIN)).isEqualTo("smsLoginSmsTextLogin");
        assertThat(TwilioTexts.messageKey(SmsPurpose.SECOND_FACTOR)).isEqualTo("smsLoginSmsTextSecondFactor");
        assertThat(TwilioTexts.messageKey(SmsPurpose.VERIFY)).isEqualTo("smsLoginSmsTextVerify");
        assertThat(TwilioTexts.messageKey(SmsPurpose.RESET)).isEqualTo("smsLoginSmsTextReset");
    }

    @Test
    void errorCodesMapToWhatTheUserShouldDo() {
        assertThat(TwilioErrorCodes.failureFor(21211, 400)).isEqualTo(SmsFailure.INVALID_NUMBER);
        assertThat(TwilioErrorCodes.failureFor(21610, 400)).isEqualTo(SmsFailure.INVALID_NUMBER);
        assertThat(TwilioErrorCodes.failureFor(21408, 400)).isEqualTo(SmsFailure.MISCONFIGURED);
        assertThat(TwilioErrorCodes.failureFor(20003, 401)).isEqualTo(SmsFailure.MISCONFIGURED);
        assertThat(TwilioErrorCodes.failureFor(20429, 429)).isEqualTo(SmsFailure.RATE_LIMITED);
        assertThat(TwilioErrorCodes.failureFor(99999, 429)).isEqualTo(SmsFailure.RATE_LIMITED);
        assertThat(TwilioErrorCodes.failureFor(99999, 403)).isEqualTo(SmsFailure.MISCONFIGURED);
        assertThat(TwilioErrorCodes.failureFor(99999, 500)).isEqualTo(SmsFailure.UNAVAILABLE);
    }
}
