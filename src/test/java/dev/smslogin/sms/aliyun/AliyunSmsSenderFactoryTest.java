package dev.smslogin.sms.aliyun;

import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.log.LogSmsSenderFactory;
import dev.smslogin.testing.LogCapture;
import dev.smslogin.testing.MapScope;
import dev.smslogin.testing.StartingKeycloak;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderFactory;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the Aliyun sender says at start: one warning when it is in use and cannot send, naming options, never values. */
class AliyunSmsSenderFactoryTest {

    private static final String KEY_ID = "LTAI-test-key-id";
    private static final String SECRET = "s3cret-access-key-secret";
    private static final Map<String, String> CONFIGURED = Map.of("access-key-id", KEY_ID, "access-key-secret", SECRET,
            "sign-name", "Sign", "template-code", "SMS_1");

    /** The lines of a start with these options; {@code selected}: the Aliyun sender is the one in use. */
    private static LogCapture start(Map<String, String> options, boolean selected) {
        AliyunSmsSenderFactory factory = new AliyunSmsSenderFactory();
        try (LogCapture log = LogCapture.of(AliyunSmsSenderFactory.class)) {
            factory.init(MapScope.of(options));
            ProviderFactory<?> inUse = selected ? factory : new LogSmsSenderFactory();
            factory.postInit(StartingKeycloak.using(SmsSender.class, inUse));
            return log;
        } finally {
            factory.close();
        }
    }

    private static Map<String, String> without(String... names) {
        Map<String, String> options = new HashMap<>(CONFIGURED);
        for (String name : names) {
            options.remove(name);
        }
        return options;
    }

    @Test
    @DisplayName("in use without any option: one warning naming the four options and what users see")
    void nothingSet() {
        assertThat(start(Map.of(), true).warnings()).containsExactly("SMS sender 'aliyun' is selected but not configured: "
                + "every code send is refused (users read 'Text messages cannot be sent right now') until "
                + "--spi-sms-sender--aliyun--access-key-id, --spi-sms-sender--aliyun--access-key-secret, "
                + "--spi-sms-sender--aliyun--sign-name, --spi-sms-sender--aliyun--template-code are set.");
    }

    @Test
    @DisplayName("keys set, sign name missing: the warning names sign-name alone and holds neither key")
    void signNameMissing() {
        LogCapture log = start(without("sign-name"), true);
        assertThat(log.warnings()).containsExactly("SMS sender 'aliyun' is selected but not configured: every code send is "
                + "refused (users read 'Text messages cannot be sent right now') until --spi-sms-sender--aliyun--sign-name is set.");
        assertThat(log.lines()).noneMatch(line -> line.contains(SECRET) || line.contains(KEY_ID));
    }

    @Test
    @DisplayName("templates for some purposes only, no template-code: the warning names the purposes still without one")
    void templatesForSomePurposes() {
        Map<String, String> options = without("template-code");
        options.put("template-code-login", "SMS_2");
        options.put("template-code-second-factor", "SMS_3");
        assertThat(start(options, true).warnings()).singleElement().asString().endsWith("until "
                + "--spi-sms-sender--aliyun--template-code (or template-code-verify and template-code-reset, the purposes "
                + "without a template of their own) is set.");
    }

    @Test
    @DisplayName("configured: no warning, and no key in any line")
    void configured() {
        LogCapture log = start(CONFIGURED, true);
        assertThat(log.warnings()).isEmpty();
        assertThat(log.lines()).isNotEmpty().noneMatch(line -> line.contains(SECRET) || line.contains(KEY_ID));
    }

    @Test
    @DisplayName("another sender in use: the Aliyun sender says nothing, configured or not")
    void notInUse() {
        assertThat(start(Map.of(), false).lines()).isEmpty();
    }

    @Test
    @DisplayName("an endpoint that is no host[:port] stops the start, saying what it is (without credentials)")
    void endpointUnparsable() {
        assertThatThrownBy(() -> start(Map.of("endpoint", "https://dysmsapi.aliyuncs.com"), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sms-sender aliyun: 'endpoint' must be a host name, optionally with :port (1 to 65535), without "
                        + "a scheme or path (the scheme is 'protocol'), and is 'https://dysmsapi.aliyuncs.com'");
        assertThatThrownBy(() -> start(Map.of("endpoint", "dysmsapi.aliyuncs.com:99999"), true))
                .hasMessageContaining("(1 to 65535)").hasMessageContaining("'dysmsapi.aliyuncs.com:99999'");
        assertThatThrownBy(() -> start(Map.of("endpoint", "https://LTAI:" + SECRET + "@dysmsapi.aliyuncs.com"), true))
                .hasMessageContaining("'https://***@dysmsapi.aliyuncs.com'").hasMessageNotContaining(SECRET);
        assertThat(start(Map.of("endpoint", "127.0.0.1:8443"), true).warnings()).as("a host and port: accepted").hasSize(1);
    }
}
