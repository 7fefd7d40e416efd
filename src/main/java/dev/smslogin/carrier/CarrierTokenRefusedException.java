package dev.smslogin.carrier;

/** The carrier's service refused the token (invalid, expired, used) or the request's number: the caller's fault. */
public final class CarrierTokenRefusedException extends RuntimeException {

    private final String code;

    public CarrierTokenRefusedException(String code) {
        super("the carrier's service refused the token: " + code, null, false, false);
        this.code = code;
    }

    /** The vendor's error code (Aliyun's {@code isv.TOKEN_INVALID}, say): safe to log and record. */
    public String code() {
        return code;
    }
}
