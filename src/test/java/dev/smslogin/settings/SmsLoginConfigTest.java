package dev.smslogin.settings;

import dev.smslogin.code.RegionCaps;
import dev.smslogin.code.SendLimits;
import dev.smslogin.phonecode.HumanCheckPolicy;
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
    @DisplayName("when the human check is asked: before every code and fail closed by default; N sends and allow when set; bad values named")
    void humanCheckPolicy() {
        assertThat(SmsLoginConfig.parse(Map.of("humanCheck", "geetest")).humanCheckPolicy())
                .isEqualTo(new HumanCheckPolicy("geetest", 0, false));
        assertThat(SmsLoginConfig.parse(Map.of("humanCheck", "siteverify", "humanCheckAfterSends", "3", "humanCheckOutage", " Allow "))
                .humanCheckPolicy()).isEqualTo(new HumanCheckPolicy("siteverify", 3, true));
        assertThatThrownBy(() -> SmsLoginConfig.parse(Map.of("humanCheckAfterSends", "-1", "humanCheckOutage", "open")))
                .hasMessageContaining("humanCheckAfterSends must be a whole number from 0 to 1000")
                .hasMessageContaining("humanCheckOutage must be refuse or allow");
    }

    @Test
    @DisplayName("while a human check is down and sends go through, the number's and the client's limits are a fifth, at least 1;"
            + " the cooldown and the realm's cap as they were, a stricter flow's too")
    void outageLimits() {
        SendLimits limits = new SendLimits(60, 5, 10, 20, 1000).withFlow("flow", new SendLimits(60, 3, 10, 20, 1000));
        SendLimits outage = limits.dividedBy(HumanCheckPolicy.OUTAGE_LIMIT_DIVISOR);
        assertThat(outage.perPhonePerHour()).isEqualTo(1);
        assertThat(outage.perPhonePerDay()).isEqualTo(2);
        assertThat(outage.perIpPerHour()).isEqualTo(4);
        assertThat(outage.cooldownSeconds()).isEqualTo(60);
        assertThat(outage.perRealmPerHour()).isEqualTo(1000);
        assertThat(outage.requestsPerClientPerHour()).isEqualTo(limits.requestsPerClientPerHour());
        assertThat(outage.stricterFlow().flowId()).isEqualTo("flow");
        assertThat(outage.stricterFlow().limits().perPhonePerHour()).as("3 / 5, at least 1").isEqualTo(1);
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

    @Test
    @DisplayName("given no region caps, then mainland China may be sent 100 000 codes an hour and every other region 200")
    void regionCapDefaults() {
        RegionCaps caps = SmsLoginConfig.defaults().sendLimits().perRegionPerHour();
        assertThat(caps.of("CN")).isEqualTo(100_000);
        assertThat(caps.of("US")).isEqualTo(200);
        assertThat(caps.of("GB")).isEqualTo(200);
    }

    @Test
    @DisplayName("given region caps with blanks and odd case, then the regions named take them and the others keep the defaults")
    void regionCapsOverTheDefaults() {
        RegionCaps caps = SmsLoginConfig.parse(Map.of("maxSendsPerRegionPerHour", " us = 500 , gb=20")).maxSendsPerRegionPerHour();
        assertThat(caps.of("US")).isEqualTo(500);
        assertThat(caps.of("GB")).isEqualTo(20);
        assertThat(caps.of("CN")).as("the default's").isEqualTo(100_000);
        assertThat(caps.of("FR")).as("the default's *").isEqualTo(200);
        RegionCaps everyOther = SmsLoginConfig.parse(Map.of("maxSendsPerRegionPerHour", "*=2")).maxSendsPerRegionPerHour();
        assertThat(everyOther.of("US")).isEqualTo(2);
        assertThat(everyOther.of("CN")).isEqualTo(100_000);
        assertThat(SmsLoginConfig.parse(Map.of("maxSendsPerRegionPerHour", "CN=5")).maxSendsPerRegionPerHour().of("CN")).isEqualTo(5);
    }

    @Test
    @DisplayName("given a malformed region cap, then the problem names the key and the form")
    void invalidRegionCaps() {
        for (String value : new String[]{"CN", "CN=0", "CN=1000001", "XX=5", "CN=5,CN=6", "CN=5;US=6", "*=-1", "CN=5,", "CHN=5"}) {
            assertThatThrownBy(() -> SmsLoginConfig.parse(Map.of("maxSendsPerRegionPerHour", value))).as(value)
                    .isInstanceOf(SmsLoginConfig.InvalidConfigException.class)
                    .hasMessage("maxSendsPerRegionPerHour must be a comma-separated list of REGION=N, REGION an ISO 3166 alpha-2 "
                            + "region named once (or * for every other region) and N a whole number from 1 to 1000000, such as "
                            + "CN=100000,*=200");
        }
    }

    @Test
    @DisplayName("the realm's most lenient region caps: per region the higher of two flows', a flow stricter in one region has windows of its own")
    void regionCapsMerge() {
        SendLimits a = SmsLoginConfig.parse(Map.of("maxSendsPerRegionPerHour", "US=500,*=10")).sendLimits();
        SendLimits b = SmsLoginConfig.parse(Map.of("maxSendsPerRegionPerHour", "GB=50,CN=10")).sendLimits();
        RegionCaps merged = a.mostLenient(b).perRegionPerHour();
        assertThat(merged.of("US")).isEqualTo(500);
        assertThat(merged.of("GB")).isEqualTo(50);
        assertThat(merged.of("CN")).isEqualTo(100_000);
        assertThat(merged.of("FR")).isEqualTo(200);
        assertThat(a.mostLenient(b).withFlow("flow-b", b).stricterFlow()).as("b: US 200 < 500").isNotNull();
        assertThat(a.mostLenient(b).withFlow("flow-a", a).stricterFlow()).as("a: * 10 < 200").isNotNull();
        assertThat(b.mostLenient(b).withFlow("flow-b", b).stricterFlow()).isNull();
    }
}
