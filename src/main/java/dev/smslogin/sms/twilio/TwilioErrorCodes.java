package dev.smslogin.sms.twilio;

import dev.smslogin.sms.SmsFailure;

import java.util.Map;

/**
 * Twilio REST API error {@code code}s of creating a Message (from Twilio's error reference) and what they mean for the
 * user. Codes not listed go by the HTTP status: 401 and 403 the admin's, 429 a limit, others a temporary outage.
 */
final class TwilioErrorCodes {

    private static final Map<Integer, SmsFailure> FAILURES = Map.ofEntries(
            // the number itself: invalid, not a mobile, unsubscribed (STOP), unreachable by SMS
            Map.entry(21211, SmsFailure.INVALID_NUMBER),
            Map.entry(21214, SmsFailure.INVALID_NUMBER),
            Map.entry(21265, SmsFailure.INVALID_NUMBER),
            Map.entry(21610, SmsFailure.INVALID_NUMBER),
            Map.entry(21612, SmsFailure.INVALID_NUMBER),
            Map.entry(21614, SmsFailure.INVALID_NUMBER),
            // the account: credentials, state, the sender, the region's permission, the text, a trial account's limits
            Map.entry(20003, SmsFailure.MISCONFIGURED),
            Map.entry(20005, SmsFailure.MISCONFIGURED),
            Map.entry(20404, SmsFailure.MISCONFIGURED),
            Map.entry(21212, SmsFailure.MISCONFIGURED),
            Map.entry(21408, SmsFailure.MISCONFIGURED),
            Map.entry(21602, SmsFailure.MISCONFIGURED),
            Map.entry(21603, SmsFailure.MISCONFIGURED),
            Map.entry(21606, SmsFailure.MISCONFIGURED),
            Map.entry(21608, SmsFailure.MISCONFIGURED),
            Map.entry(21617, SmsFailure.MISCONFIGURED),
            Map.entry(21659, SmsFailure.MISCONFIGURED),
            Map.entry(21705, SmsFailure.MISCONFIGURED),
            // too many requests or queued messages
            Map.entry(20429, SmsFailure.RATE_LIMITED),
            Map.entry(14107, SmsFailure.RATE_LIMITED),
            Map.entry(21611, SmsFailure.RATE_LIMITED),
            Map.entry(20500, SmsFailure.UNAVAILABLE),
            Map.entry(20503, SmsFailure.UNAVAILABLE));

    private TwilioErrorCodes() {
    }

    static SmsFailure failureFor(int code, int httpStatus) {
        SmsFailure failure = FAILURES.get(code);
        if (failure != null) {
            return failure;
        }
        return switch (httpStatus) {
            case 401, 403 -> SmsFailure.MISCONFIGURED;
            case 429 -> SmsFailure.RATE_LIMITED;
            default -> SmsFailure.UNAVAILABLE;
        };
    }
}
