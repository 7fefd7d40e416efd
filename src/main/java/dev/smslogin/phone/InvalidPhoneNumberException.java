package dev.smslogin.phone;

/** Thrown by {@link PhoneNumberParser} with the reason a number was refused. */
public final class InvalidPhoneNumberException extends Exception {

    private final PhoneNumberRejection reason;

    public InvalidPhoneNumberException(PhoneNumberRejection reason) {
        super(reason.name(), null, false, false);
        this.reason = reason;
    }

    public PhoneNumberRejection reason() {
        return reason;
    }
}
