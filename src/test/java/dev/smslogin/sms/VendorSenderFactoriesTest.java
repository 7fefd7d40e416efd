package dev.smslogin.sms;

import dev.smslogin.sms.tencent.TencentSmsSenderFactory;
import dev.smslogin.sms.twilio.TwilioSmsSenderFactory;
import dev.smslogin.testing.LogCapture;
import dev.smslogin.testing.MapScope;
import dev.smslogin.testing.StartingKeycloak;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the Tencent and Twilio senders say at start (Aliyun's: AliyunSmsSenderFactoryTest): options, never values. */
class VendorSenderFactoriesTest {

    private static LogCapture start(VendorSenderFactory factory, Map<String, String> options) {
        try (LogCapture log = LogCapture.of(factory.getClass())) {
            factory.init(MapScope.of(options));
            factory.postInit(StartingKeycloak.using(SmsSender.class, factory));
            return log;
        } finally {
            factory.close();
        }
    }

    @Test
    @DisplayName("tencent in use with keys but templates for two purposes only: the warning names what is missing, never the key")
    void tencentNotConfigured() {
        LogCapture log = start(new TencentSmsSenderFactory(), Map.of("secret-id", "AKIDkeyid", "secret-key", "s3cret",
                "template-id-login", "1", "template-id-reset", "2"));

        assertThat(log.warnings()).containsExactly("SMS sender 'tencent' is selected but not configured: every code send is "
                + "refused (users read 'Text messages cannot be sent right now') until --spi-sms-sender--tencent--sdk-app-id, "
                + "--spi-sms-sender--tencent--sign-name, --spi-sms-sender--tencent--template-id (or template-id-second-factor "
                + "and template-id-verify, the purposes without a template of their own) are set.");
        assertThat(log.lines()).anyMatch(line -> line.contains("SMS sender 'tencent': at most"))
                .noneMatch(line -> line.contains("s3cret") || line.contains("AKIDkeyid"));
    }

    @Test
    @DisplayName("twilio in use without options: one warning naming the account, the token and the sender")
    void twilioNotConfigured() {
        assertThat(start(new TwilioSmsSenderFactory(), Map.of()).warnings()).containsExactly("SMS sender 'twilio' is selected "
                + "but not configured: every code send is refused (users read 'Text messages cannot be sent right now') until "
                + "--spi-sms-sender--twilio--account-sid, --spi-sms-sender--twilio--auth-token, --spi-sms-sender--twilio--from "
                + "(or messaging-service-sid) are set.");
    }

    @Test
    @DisplayName("twilio configured: no warning, and neither the SID nor the token in any line")
    void twilioConfigured() {
        String sid = "AC0123456789abcdef0123456789abcdef";
        LogCapture log = start(new TwilioSmsSenderFactory(), Map.of("account-sid", sid, "auth-token", "t0ken", "from", "+14155552671"));
        assertThat(log.warnings()).isEmpty();
        assertThat(log.lines()).isNotEmpty().noneMatch(line -> line.contains("t0ken") || line.contains(sid));
    }
}
