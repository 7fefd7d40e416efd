package dev.smslogin.code;

/** The result of checking a typed code against the stored one. */
public enum Verification {
    /** The code matched and has been consumed: it will never match again. */
    VALID,
    /** Wrong code; the stored code is still usable until its attempts run out. */
    WRONG,
    /** Wrong code, and it was the last attempt: the stored code is gone. */
    WRONG_AND_BURNED,
    /** There is no code: never sent, expired, already used, or burned. */
    NO_CODE,
    /** Too many consecutive wrong codes for this number: nothing is checked until the lock expires. */
    LOCKED
}
