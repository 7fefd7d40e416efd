package dev.smslogin.phonedialog;

/**
 * What a phone dialog is for. Each purpose has its own page texts, its own notes in the login session, and its own
 * codes: a code asked for to verify a number does not log in, and the reverse.
 */
public enum DialogPurpose {

    LOGIN("sms-login", "smsLoginTitle", "doLogIn"),
    VERIFY_NUMBER("verify-phone-number", "verifyPhoneTitle", "verifyPhoneSubmit");

    private final String id;
    private final String titleKey;
    private final String submitKey;

    DialogPurpose(String id, String titleKey, String submitKey) {
        this.id = id;
        this.titleKey = titleKey;
        this.submitKey = submitKey;
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
