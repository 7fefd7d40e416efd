package dev.smslogin.phonedialog;

import dev.smslogin.sms.SmsPurpose;

/**
 * What a phone dialog is for. Each purpose has its own page texts, its own notes in the login session, and its own
 * codes: a code asked for to verify a number does not log in, and the reverse.
 */
public enum DialogPurpose {

    LOGIN("sms-login", "smsLoginTitle", "doLogIn", SmsPurpose.LOGIN),
    VERIFY_NUMBER("verify-phone-number", "verifyPhoneTitle", "verifyPhoneSubmit", SmsPurpose.VERIFY),
    /** The account's own verified number: no phone page, no "use another number". */
    SECOND_FACTOR("sms-otp", "smsOtpTitle", "doLogIn", SmsPurpose.SECOND_FACTOR),
    RESET_PASSWORD("sms-reset-credentials", "smsResetTitle", "doSubmit", SmsPurpose.RESET);

    private final String id;
    private final String titleKey;
    private final String submitKey;
    private final SmsPurpose smsPurpose;

    DialogPurpose(String id, String titleKey, String submitKey, SmsPurpose smsPurpose) {
        this.id = id;
        this.titleKey = titleKey;
        this.submitKey = submitKey;
        this.smsPurpose = smsPurpose;
    }

    /** Whether the user picks the number (a phone page, "use another number"), or it is the account's. */
    boolean numberChosenByUser() {
        return this != SECOND_FACTOR;
    }

    /** Which of the sender's templates its codes go out in. */
    SmsPurpose smsPurpose() {
        return smsPurpose;
    }

    /** Names its login-session notes and binds its codes. */
    String id() {
        return id;
    }

    String titleKey() {
        return titleKey;
    }

    String submitKey() {
        return submitKey;
    }

    /**
     * The binding of codes asked for through the native-app API ({@code POST /realms/{realm}/sms-login/codes}) by the
     * client {@code clientUuid} (its internal id) and checked by that client's direct grant: such a code logs in
     * through no page, no other client and no other purpose, and no code of theirs through it (their bindings name
     * a browser tab, never {@code native-app/}).
     */
    public static String nativeAppBinding(String clientUuid) {
        return "native-app/client/" + clientUuid;
    }
}
