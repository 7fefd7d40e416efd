package dev.smslogin.sms.tencent;

import dev.smslogin.sms.SmsFailure;

import java.util.Map;

/**
 * Tencent Cloud SMS codes (the SendSms error codes and Tencent Cloud API 3.0's common ones), as {@code Response.Error.Code}
 * or a number's {@code SendStatus.Code}, and what they mean for the user. Codes not listed are treated as a temporary
 * outage.
 */
final class TencentErrorCodes {

    private static final Map<String, SmsFailure> FAILURES = Map.ofEntries(
            // limits: of the number (its own daily, hourly, 30-second, same-content limits), of the application, of the API
            Map.entry("LimitExceeded.PhoneNumberDailyLimit", SmsFailure.NUMBER_LIMITED),
            Map.entry("LimitExceeded.PhoneNumberOneHourLimit", SmsFailure.NUMBER_LIMITED),
            Map.entry("LimitExceeded.PhoneNumberThirtySecondLimit", SmsFailure.NUMBER_LIMITED),
            Map.entry("LimitExceeded.PhoneNumberSameContentDailyLimit", SmsFailure.NUMBER_LIMITED),
            Map.entry("LimitExceeded.DeliveryFrequencyLimit", SmsFailure.NUMBER_LIMITED),
            Map.entry("LimitExceeded.DailyLimit", SmsFailure.RATE_LIMITED),
            Map.entry("LimitExceeded.AppDailyLimit", SmsFailure.RATE_LIMITED),
            Map.entry("LimitExceeded.AppGlobalDailyLimit", SmsFailure.RATE_LIMITED),
            Map.entry("LimitExceeded.AppMainlandChinaDailyLimit", SmsFailure.RATE_LIMITED),
            Map.entry("LimitExceeded.AppCountryOrRegionDailyLimit", SmsFailure.RATE_LIMITED),
            Map.entry("RequestLimitExceeded", SmsFailure.RATE_LIMITED),
            // the number itself
            Map.entry("InvalidParameterValue.IncorrectPhoneNumber", SmsFailure.INVALID_NUMBER),
            Map.entry("FailedOperation.PhoneNumberParseFail", SmsFailure.INVALID_NUMBER),
            Map.entry("FailedOperation.PhoneNumberInBlacklist", SmsFailure.INVALID_NUMBER),
            Map.entry("UnsupportedOperation.UnsupportedRegion", SmsFailure.INVALID_NUMBER),
            // sign name, templates, application, balance, region settings: the admin must act
            Map.entry("FailedOperation.SignatureIncorrectOrUnapproved", SmsFailure.MISCONFIGURED),
            Map.entry("FailedOperation.MissingSignature", SmsFailure.MISCONFIGURED),
            Map.entry("FailedOperation.TemplateIncorrectOrUnapproved", SmsFailure.MISCONFIGURED),
            Map.entry("FailedOperation.TemplateUnapprovedOrNotExist", SmsFailure.MISCONFIGURED),
            Map.entry("FailedOperation.TemplateIdNotExist", SmsFailure.MISCONFIGURED),
            Map.entry("FailedOperation.TemplateParamSetNotMatchApprovedTemplate", SmsFailure.MISCONFIGURED),
            Map.entry("FailedOperation.ContainSensitiveWord", SmsFailure.MISCONFIGURED),
            Map.entry("FailedOperation.InsufficientBalanceInSmsPackage", SmsFailure.MISCONFIGURED),
            Map.entry("FailedOperation.MarketingSendTimeConstraint", SmsFailure.MISCONFIGURED),
            Map.entry("FailedOperation.ProhibitSubAccountUse", SmsFailure.MISCONFIGURED),
            Map.entry("FailedOperation.NotEnterpriseCertification", SmsFailure.MISCONFIGURED),
            Map.entry("InvalidParameterValue.SdkAppIdNotExist", SmsFailure.MISCONFIGURED),
            Map.entry("InvalidParameterValue.ContentLengthLimit", SmsFailure.MISCONFIGURED),
            Map.entry("InvalidParameterValue.TemplateParameterFormatError", SmsFailure.MISCONFIGURED),
            Map.entry("InvalidParameterValue.TemplateParameterLengthLimit", SmsFailure.MISCONFIGURED),
            Map.entry("InvalidParameterValue.ProhibitedUseUrlInTemplateParameter", SmsFailure.MISCONFIGURED),
            Map.entry("LimitExceeded.AppCountryOrRegionInBlacklist", SmsFailure.MISCONFIGURED),
            Map.entry("UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone", SmsFailure.MISCONFIGURED),
            Map.entry("UnsupportedOperation.GlobalTemplateToChineseMainlandPhone", SmsFailure.MISCONFIGURED),
            Map.entry("UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber", SmsFailure.MISCONFIGURED),
            Map.entry("InvalidAction", SmsFailure.MISCONFIGURED),
            Map.entry("NoSuchVersion", SmsFailure.MISCONFIGURED),
            Map.entry("UnsupportedRegion", SmsFailure.MISCONFIGURED),
            Map.entry("IpInBlacklist", SmsFailure.MISCONFIGURED),
            Map.entry("IpNotInWhitelist", SmsFailure.MISCONFIGURED),
            Map.entry("ResourceUnavailable", SmsFailure.UNAVAILABLE),
            Map.entry("InternalError", SmsFailure.UNAVAILABLE));

    /** Families: credentials and signature, permissions (arrears among them), parameters, limits of the API. */
    private static final Map<String, SmsFailure> PREFIXES = Map.of(
            "AuthFailure.", SmsFailure.MISCONFIGURED,
            "UnauthorizedOperation.", SmsFailure.MISCONFIGURED,
            "InvalidParameter", SmsFailure.MISCONFIGURED,
            "MissingParameter", SmsFailure.MISCONFIGURED,
            "RequestLimitExceeded.", SmsFailure.RATE_LIMITED,
            "InternalError.", SmsFailure.UNAVAILABLE);

    private TencentErrorCodes() {
    }

    static SmsFailure failureFor(String code) {
        if (code == null) {
            return SmsFailure.UNAVAILABLE;
        }
        SmsFailure failure = FAILURES.get(code);
        if (failure != null) {
            return failure;
        }
        for (Map.Entry<String, SmsFailure> prefix : PREFIXES.entrySet()) {
            if (code.startsWith(prefix.getKey())) {
                return prefix.getValue();
            }
        }
        return SmsFailure.UNAVAILABLE;
    }
}
