package dev.smslogin.phonedialog;

/** Message keys of the phone pages ({@code theme-resources/messages/messages_*.properties}). */
public final class DialogMessages {

    private DialogMessages() {
    }

    public static final String PHONE_MALFORMED = "smsLoginPhoneMalformed";
    public static final String PHONE_NOT_MOBILE = "smsLoginPhoneNotMobile";
    public static final String PHONE_REGION_NOT_ALLOWED = "smsLoginPhoneRegionNotAllowed";
    public static final String CODE_SENT = "smsLoginCodeSent";
    public static final String RESET_CODE_SENT = "smsResetCodeSent";
    public static final String RESET_SECOND_FACTOR_NOT_ASKED = "smsResetSecondFactorNotAsked";
    public static final String RESEND_WAIT = "smsLoginResendWait";
    public static final String TOO_MANY_CODES = "smsLoginTooManyCodes";
    public static final String SMS_RATE_LIMITED = "smsLoginSmsRateLimited";
    public static final String SMS_REFUSED_NUMBER = "smsLoginSmsRefusedNumber";
    public static final String SMS_UNAVAILABLE = "smsLoginSmsUnavailable";
    public static final String SMS_UNCONFIRMED = "smsLoginSmsUnconfirmed";
    public static final String SMS_BUSY = "smsLoginSmsBusy";
    public static final String SERVICE_UNAVAILABLE = "smsLoginServiceUnavailable";
    public static final String CODE_MALFORMED = "smsLoginCodeMalformed";
    public static final String CODE_WRONG = "smsLoginCodeWrong";
    public static final String CODE_BURNED = "smsLoginCodeBurned";
    public static final String CODE_EXPIRED = "smsLoginCodeExpired";
    public static final String PHONE_LOCKED = "smsLoginPhoneLocked";
    public static final String NO_ACCOUNT = "smsLoginNoAccount";
    public static final String ACCOUNT_DISABLED = "smsLoginAccountDisabled";
    public static final String ACCOUNT_LOCKED = "smsLoginAccountLocked";
    public static final String PHONE_ACCOUNT_CONFLICT = "smsLoginPhoneAccountConflict";
    public static final String MISCONFIGURED = "smsLoginMisconfigured";
    public static final String VERIFY_NUMBER_IN_USE = "verifyPhoneNumberInUse";
    public static final String HUMAN_CHECK_FAILED = "smsLoginHumanCheckFailed";
    public static final String HUMAN_CHECK_FIRST = "smsOtpHumanCheckFirst";
    /** The check became due (the number or the client reached the flow's humanCheckAfterSends): the page now shows it. */
    public static final String HUMAN_CHECK_REQUIRED = "smsLoginHumanCheckRequired";
    public static final String BROKER_ALREADY_LINKED = "idpSmsLinkAlreadyLinked";
    public static final String BROKER_APP_ACCOUNT_CONFLICT = "idpSmsLinkAppAccountConflict";
    public static final String BROKER_IDENTITY_TOO_LONG = "idpSmsLinkIdentityTooLong";
    public static final String BROKER_MISPLACED = "idpSmsLinkMisplaced";
    public static final String BROKER_SKIP_TAKEN = "idpSmsLinkSkipTaken";
}
