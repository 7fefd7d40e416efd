package dev.smslogin.sms.aliyun;

import dev.smslogin.sms.SmsFailure;
import java.util.Map;

/**
 * Aliyun Dysmsapi {@code Code} values (from the SendSms error-code reference) and what they mean for the
 * user. Codes not listed are treated as a temporary outage.
 */
final class AliyunErrorCodes {

    private static final Map<String, SmsFailure> FAILURES = Map.ofEntries(
            Map.entry("isv.BUSINESS_LIMIT_CONTROL", SmsFailure.NUMBER_LIMITED),
            Map.entry("isv.DAY_LIMIT_CONTROL", SmsFailure.NUMBER_LIMITED),
            Map.entry("isv.SMS_OVER_LIMIT", SmsFailure.RATE_LIMITED),
            Map.entry("Throttling.User", SmsFailure.RATE_LIMITED),
            Map.entry("isv.MOBILE_NUMBER_ILLEGAL", SmsFailure.INVALID_NUMBER),
            Map.entry("isv.MOBILE_COUNT_OVER_LIMIT", SmsFailure.INVALID_NUMBER),
            Map.entry("isv.DOMESTIC_NUMBER_NOT_SUPPORTED", SmsFailure.INVALID_NUMBER),
            Map.entry("isv.BLACK_KEY_CONTROL_LIMIT", SmsFailure.INVALID_NUMBER),
            Map.entry("isv.SMS_SIGNATURE_ILLEGAL", SmsFailure.MISCONFIGURED),
            Map.entry("isv.SMS_TEMPLATE_ILLEGAL", SmsFailure.MISCONFIGURED),
            Map.entry("isv.TEMPLATE_MISSING_PARAMETERS", SmsFailure.MISCONFIGURED),
            Map.entry("isv.TEMPLATE_PARAMS_ILLEGAL", SmsFailure.MISCONFIGURED),
            Map.entry("isv.INVALID_JSON_PARAM", SmsFailure.MISCONFIGURED),
            Map.entry("isv.INVALID_PARAMETERS", SmsFailure.MISCONFIGURED),
            Map.entry("isv.PARAM_LENGTH_LIMIT", SmsFailure.MISCONFIGURED),
            Map.entry("isv.SIGN_NAME_ILLEGAL", SmsFailure.MISCONFIGURED),
            Map.entry("isv.EXTEND_CODE_ERROR", SmsFailure.MISCONFIGURED),
            Map.entry("isv.ACCOUNT_NOT_EXISTS", SmsFailure.MISCONFIGURED),
            Map.entry("isv.ACCOUNT_ABNORMAL", SmsFailure.MISCONFIGURED),
            Map.entry("isv.AMOUNT_NOT_ENOUGH", SmsFailure.MISCONFIGURED),
            Map.entry("isv.OUT_OF_SERVICE", SmsFailure.MISCONFIGURED),
            Map.entry("isv.PRODUCT_UN_SUBSCRIPT", SmsFailure.MISCONFIGURED),
            Map.entry("isv.PRODUCT_UNSUBSCRIBE", SmsFailure.MISCONFIGURED),
            Map.entry("isv.DENY_IP_RANGE", SmsFailure.MISCONFIGURED),
            Map.entry("isp.RAM_PERMISSION_DENY", SmsFailure.MISCONFIGURED),
            Map.entry("InvalidAccessKeyId.NotFound", SmsFailure.MISCONFIGURED),
            Map.entry("InvalidAccessKeyId.Inactive", SmsFailure.MISCONFIGURED),
            Map.entry("SignatureDoesNotMatch", SmsFailure.MISCONFIGURED),
            Map.entry("IncompleteSignature", SmsFailure.MISCONFIGURED),
            Map.entry("InvalidTimeStamp.Expired", SmsFailure.MISCONFIGURED),
            Map.entry("Forbidden.RAM", SmsFailure.MISCONFIGURED),
            Map.entry("isp.SYSTEM_ERROR", SmsFailure.UNAVAILABLE),
            Map.entry("ServiceUnavailable", SmsFailure.UNAVAILABLE),
            Map.entry("InternalError", SmsFailure.UNAVAILABLE));

    private AliyunErrorCodes() {
    }

    static SmsFailure failureFor(String code) {
        if (code == null) {
            return SmsFailure.UNAVAILABLE;
        }
        return FAILURES.getOrDefault(code, SmsFailure.UNAVAILABLE);
    }
}
