package dev.smslogin.authenticator;

/** Message keys of the login pages ({@code theme-resources/messages/messages_*.properties}). */
final class SmsLoginMessages {

    private SmsLoginMessages() {
    }

    static final String PHONE_MALFORMED = "smsLoginPhoneMalformed";
    static final String PHONE_NOT_MOBILE = "smsLoginPhoneNotMobile";
    static final String PHONE_REGION_NOT_ALLOWED = "smsLoginPhoneRegionNotAllowed";
    static final String CODE_SENT = "smsLoginCodeSent";
    static final String RESEND_WAIT = "smsLoginResendWait";
    static final String TOO_MANY_CODES = "smsLoginTooManyCodes";
    static final String SMS_RATE_LIMITED = "smsLoginSmsRateLimited";
    static final String SMS_REFUSED_NUMBER = "smsLoginSmsRefusedNumber";
    static final String SMS_UNAVAILABLE = "smsLoginSmsUnavailable";
    static final String SMS_UNCONFIRMED = "smsLoginSmsUnconfirmed";
    static final String SMS_BUSY = "smsLoginSmsBusy";
    static final String SERVICE_UNAVAILABLE = "smsLoginServiceUnavailable";
    static final String CODE_MALFORMED = "smsLoginCodeMalformed";
    static final String CODE_WRONG = "smsLoginCodeWrong";
    static final String CODE_BURNED = "smsLoginCodeBurned";
    static final String CODE_EXPIRED = "smsLoginCodeExpired";
    static final String PHONE_LOCKED = "smsLoginPhoneLocked";
    static final String NO_ACCOUNT = "smsLoginNoAccount";
    static final String ACCOUNT_DISABLED = "smsLoginAccountDisabled";
    static final String ACCOUNT_LOCKED = "smsLoginAccountLocked";
    static final String PHONE_ACCOUNT_CONFLICT = "smsLoginPhoneAccountConflict";
    static final String MISCONFIGURED = "smsLoginMisconfigured";
    static final String HUMAN_CHECK_FAILED = "smsLoginHumanCheckFailed";
}
