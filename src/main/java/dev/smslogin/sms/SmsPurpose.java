package dev.smslogin.sms;

/**
 * What a code is sent for. SMS providers approve a message template per purpose (Aliyun: login confirmation,
 * identity verification, password change), so a sender may pick a template per purpose.
 */
public enum SmsPurpose {

    LOGIN("login"),
    SECOND_FACTOR("second-factor"),
    VERIFY("verify"),
    RESET("reset");

    private final String id;

    SmsPurpose(String id) {
        this.id = id;
    }

    /** The purpose's name in server options, e.g. {@code template-code-second-factor}. */
    public String id() {
        return id;
    }
}
