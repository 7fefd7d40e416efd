package dev.smslogin.settings;

import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;
import java.util.Set;

import static dev.smslogin.settings.SmsLoginConfig.*;

/** The per-flow settings as the admin console shows them; labels and help texts are message keys. */
public final class SmsLoginConfigProperties {

    private SmsLoginConfigProperties() {
    }

    public static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(CODE_LENGTH).label("smsLoginCodeLength").helpText("smsLoginCodeLengthHelp")
            .type(ProviderConfigProperty.LIST_TYPE).options("6", "7", "8").defaultValue("6").add()
            .property().name(CODE_TTL_SECONDS).label("smsLoginCodeTtlSeconds").helpText("smsLoginCodeTtlSecondsHelp")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(300).add()
            .property().name(RESEND_COOLDOWN_SECONDS).label("smsLoginResendCooldownSeconds").helpText("smsLoginResendCooldownSecondsHelp")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(60).add()
            .property().name(MAX_ATTEMPTS_PER_CODE).label("smsLoginMaxAttemptsPerCode").helpText("smsLoginMaxAttemptsPerCodeHelp")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(5).add()
            .property().name(MAX_SENDS_PER_PHONE_PER_HOUR).label("smsLoginMaxSendsPerPhonePerHour").helpText("smsLoginMaxSendsPerPhonePerHourHelp")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(5).add()
            .property().name(MAX_SENDS_PER_PHONE_PER_DAY).label("smsLoginMaxSendsPerPhonePerDay").helpText("smsLoginMaxSendsPerPhonePerDayHelp")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(10).add()
            .property().name(MAX_SENDS_PER_IP_PER_HOUR).label("smsLoginMaxSendsPerIpPerHour").helpText("smsLoginMaxSendsPerIpPerHourHelp")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(20).add()
            .property().name(MAX_SENDS_PER_REALM_PER_HOUR).label("smsLoginMaxSendsPerRealmPerHour").helpText("smsLoginMaxSendsPerRealmPerHourHelp")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(1000).add()
            .property().name(MAX_SENDS_PER_REGION_PER_HOUR).label("smsLoginMaxSendsPerRegionPerHour").helpText("smsLoginMaxSendsPerRegionPerHourHelp")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_REGION_CAPS).add()
            .property().name(MAX_CONSECUTIVE_FAILURES_PER_PHONE).label("smsLoginMaxConsecutiveFailuresPerPhone").helpText("smsLoginMaxConsecutiveFailuresPerPhoneHelp")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(100).add()
            .property().name(FAILURE_LOCK_SECONDS).label("smsLoginFailureLockSeconds").helpText("smsLoginFailureLockSecondsHelp")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(86400).add()
            .property().name(ALLOW_REGISTRATION).label("smsLoginAllowRegistration").helpText("smsLoginAllowRegistrationHelp")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true").add()
            .property().name(USERNAME_FORMAT).label("smsLoginUsernameFormat").helpText("smsLoginUsernameFormatHelp")
            .type(ProviderConfigProperty.LIST_TYPE).options("opaque", "phone").defaultValue("opaque").add()
            .property().name(HUMAN_CHECK).label("smsLoginHumanCheck").helpText("smsLoginHumanCheckHelp")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue("none").add()
            .property().name(HUMAN_CHECK_AFTER_SENDS).label("smsLoginHumanCheckAfterSends").helpText("smsLoginHumanCheckAfterSendsHelp")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(0).add()
            .property().name(HUMAN_CHECK_OUTAGE).label("smsLoginHumanCheckOutage").helpText("smsLoginHumanCheckOutageHelp")
            .type(ProviderConfigProperty.LIST_TYPE).options("refuse", "allow").defaultValue("refuse").add()
            .property().name(DEFAULT_REGION).label("smsLoginDefaultRegion").helpText("smsLoginDefaultRegionHelp")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue("CN").add()
            .property().name(ALLOWED_REGIONS).label("smsLoginAllowedRegions").helpText("smsLoginAllowedRegionsHelp")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue("CN").add()
            .property().name(SMS_SIGN_NAME).label("smsLoginSmsSignName").helpText("smsLoginSmsSignNameHelp")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(SMS_TEMPLATE_CODE).label("smsLoginSmsTemplateCode").helpText("smsLoginSmsTemplateCodeHelp")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .build();

    /** The settings of a step for which the login's {@code keys} mean nothing. */
    public static List<ProviderConfigProperty> without(String... keys) {
        Set<String> left = Set.of(keys);
        return PROPERTIES.stream().filter(property -> !left.contains(property.getName())).toList();
    }
}
