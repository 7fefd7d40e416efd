package dev.smslogin.phonedialog;

import dev.smslogin.sms.SmsPurpose;

/**
 * What a phone dialog is for. Each purpose has its own page texts, its own notes in the login session, and its own
 * codes: a code asked for to verify a number does not log in, and the reverse.
 */
public enum DialogPurpose {

    LOGIN("sms-login", "smsLoginTitle", "doLogIn", DialogMessages.CODE_SENT, SmsPurpose.LOGIN),
    VERIFY_NUMBER("verify-phone-number", "verifyPhoneTitle", "verifyPhoneSubmit", DialogMessages.CODE_SENT, SmsPurpose.VERIFY),
    /** The account's own verified number: no phone page, no "use another number". */
    SECOND_FACTOR("sms-otp", "smsOtpTitle", "doLogIn", DialogMessages.CODE_SENT, SmsPurpose.SECOND_FACTOR),
    /** Only a number an account holds gets an SMS, and the page never says which: "if an account uses it". */
    RESET_PASSWORD("sms-reset-credentials", "smsResetTitle", "doSubmit", DialogMessages.RESET_CODE_SENT, SmsPurpose.RESET),
    /** A brokered user's first login: the number the account will hold, proven with the verification template. */
    BROKER_LINK("idp-sms-link", "idpSmsLinkTitle", "doSubmit", DialogMessages.CODE_SENT, SmsPurpose.VERIFY);

    private final String id;
    private final String titleKey;
    private final String submitKey;
    private final String sentKey;
    private final SmsPurpose smsPurpose;

    DialogPurpose(String id, String titleKey, String submitKey, String sentKey, SmsPurpose smsPurpose) {
        this.id = id;
        this.titleKey = titleKey;
        this.submitKey = submitKey;
        this.sentKey = sentKey;
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

    /** The message key of the code page's "a code was sent to {0}". */
    String sentKey() {
        return sentKey;
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
