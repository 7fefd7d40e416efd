package dev.smslogin.settings;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmsLoginConfigTest {

    @Test
    @DisplayName("given no settings, then the contract's defaults apply")
    void defaults() {
        SmsLoginConfig config = SmsLoginConfig.parse(Map.of());
        assertThat(config.codeLength()).isEqualTo(6);
        assertThat(config.codeTtlSeconds()).isEqualTo(300);
        assertThat(config.resendCooldownSeconds()).isEqualTo(60);
        assertThat(config.maxAttemptsPerCode()).isEqualTo(5);
        assertThat(config.maxSendsPerPhonePerHour()).isEqualTo(5);
        assertThat(config.maxSendsPerPhonePerDay()).isEqualTo(10);
        assertThat(config.maxSendsPerIpPerHour()).isEqualTo(20);
        assertThat(config.maxSendsPerRealmPerHour()).isEqualTo(1000);
        assertThat(config.maxConsecutiveFailuresPerPhone()).isEqualTo(100);
        assertThat(config.failureLockSeconds()).isEqualTo(86_400);
        assertThat(config.allowRegistration()).isTrue();
        assertThat(config.defaultRegion()).isEqualTo("CN");
        assertThat(config.allowedRegions()).containsExactly("CN");
        assertThat(config.usernameFormat()).isEqualTo(UsernameFormat.OPAQUE);
        assertThat(SmsLoginConfig.from(null)).isEqualTo(config);
    }

    @Test
    @DisplayName("given valid settings with blanks and odd case, then they are read")
    void validValues() {
        Map<String, String> values = new HashMap<>();
        values.put("codeLength", " 8 ");
        values.put("codeTtlSeconds", "600");
        values.put("allowRegistration", "FALSE");
        values.put("defaultRegion", "hk");
        values.put("allowedRegions", "cn, HK ,mo");
        values.put("maxSendsPerPhonePerHour", "");
        values.put("usernameFormat", " Phone ");
        SmsLoginConfig config = SmsLoginConfig.parse(values);
        assertThat(config.usernameFormat()).isEqualTo(UsernameFormat.PHONE);
        assertThat(config.codeLength()).isEqualTo(8);
        assertThat(config.codeTtlSeconds()).isEqualTo(600);
        assertThat(config.allowRegistration()).isFalse();
        assertThat(config.defaultRegion()).isEqualTo("HK");
        assertThat(config.allowedRegions()).containsExactly("CN", "HK", "MO");
        assertThat(config.maxSendsPerPhonePerHour()).isEqualTo(5);
    }

    @Test
    @DisplayName("given invalid settings, then every problem is named and none is replaced by a default")
    void invalidValues() {
        Map<String, String> values = Map.of(
                "codeLength", "5",
                "codeTtlSeconds", "601",
                "resendCooldownSeconds", "ten",
                "allowRegistration", "yes",
                "defaultRegion", "China",
                "allowedRegions", "CN,XX",
                "usernameFormat", "email");
        assertThatThrownBy(() -> SmsLoginConfig.parse(values))
                .isInstanceOf(SmsLoginConfig.InvalidConfigException.class)
                .satisfies(e -> assertThat(((SmsLoginConfig.InvalidConfigException) e).problems())
                        .hasSize(7)
                        .anySatisfy(p -> assertThat(p).isEqualTo("usernameFormat must be opaque or phone"))
                        .anySatisfy(p -> assertThat(p).startsWith("codeLength must be a whole number from 6 to 8"))
                        .anySatisfy(p -> assertThat(p).startsWith("codeTtlSeconds"))
                        .anySatisfy(p -> assertThat(p).startsWith("resendCooldownSeconds"))
                        .anySatisfy(p -> assertThat(p).startsWith("allowRegistration"))
                        .anySatisfy(p -> assertThat(p).startsWith("defaultRegion"))
                        .anySatisfy(p -> assertThat(p).startsWith("allowedRegions")));
    }

    @Test
    @DisplayName("a flow's SMS sign name and template: unset by default, approved-looking values kept, markup refused")
    void smsSignNameAndTemplate() {
        SmsLoginConfig unset = SmsLoginConfig.parse(Map.of());
        assertThat(unset.smsSignName()).isNull();
        assertThat(unset.smsTemplateCode()).isNull();
        SmsLoginConfig set = SmsLoginConfig.parse(Map.of("smsSignName", " 第二品牌 ", "smsTemplateCode", "SMS_300000001"));
        assertThat(set.smsSignName()).isEqualTo("第二品牌");
        assertThat(set.smsTemplateCode()).isEqualTo("SMS_300000001");
        assertThatThrownBy(() -> SmsLoginConfig.parse(Map.of("smsSignName", "<b>x</b>", "smsTemplateCode", "SMS 1; DROP")))
                .hasMessageContaining("smsSignName must be an approved SMS sign name")
                .hasMessageContaining("smsTemplateCode must be an approved template code");
    }

    @Test
    void aDailyLimitBelowTheHourlyLimitIsRefused() {
        assertThatThrownBy(() -> SmsLoginConfig.parse(Map.of("maxSendsPerPhonePerHour", "6", "maxSendsPerPhonePerDay", "5")))
                .hasMessageContaining("maxSendsPerPhonePerDay must not be lower than maxSendsPerPhonePerHour");
    }

    @Test
    void sendLimitsCarryTheSettings() {
        SmsLoginConfig config = SmsLoginConfig.parse(Map.of("resendCooldownSeconds", "30", "maxSendsPerIpPerHour", "7"));
        assertThat(config.sendLimits().cooldownSeconds()).isEqualTo(30);
        assertThat(config.sendLimits().perIpPerHour()).isEqualTo(7);
    }
}
