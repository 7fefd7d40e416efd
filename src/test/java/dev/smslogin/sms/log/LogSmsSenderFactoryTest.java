package dev.smslogin.sms.log;

import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.aliyun.AliyunSmsSenderFactory;
import dev.smslogin.testing.LogCapture;
import dev.smslogin.testing.StartingKeycloak;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The development sender warns at start that codes go to the log, only when it is the sender in use. */
class LogSmsSenderFactoryTest {

    private static LogCapture start(boolean selected) {
        LogSmsSenderFactory factory = new LogSmsSenderFactory();
        ProviderFactory<?> inUse = selected ? factory : new AliyunSmsSenderFactory();
        try (LogCapture log = LogCapture.of("dev.smslogin.sms.log")) {
            factory.postInit(StartingKeycloak.using(SmsSender.class, inUse));
            return log;
        }
    }

    @Test
    @DisplayName("in use: one warning that no SMS is sent and every code is in the log")
    void inUse() {
        assertThat(start(true).warnings()).singleElement().asString()
                .startsWith("SMS login: the 'log' SMS sender is in use: NO text message is sent, and every login code is "
                        + "written to this server log");
    }

    @Test
    @DisplayName("shipped but not in use: nothing")
    void notInUse() {
        assertThat(start(false).lines()).isEmpty();
    }
}
