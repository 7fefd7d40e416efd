package dev.smslogin.carrier;

/**
 * The carrier's word on a one-tap token (the one-click SDK's token, got on the phone after the user's consent): the
 * number of the SIM that asked for it, or whether a number typed by the user is that SIM's. A token is good once.
 */
public interface CarrierCheck {

    /** What the carrier says of a typed number ({@code VerifyMobile}). */
    enum Verdict {
        /** The token's SIM has that number. */
        PASS,
        /** It does not. */
        REJECT,
        /** The carrier cannot tell (a foreign SIM, say). */
        UNKNOWN
    }

    /**
     * The number of the token's SIM ({@code GetMobile}), as the carrier gives it (11 digits, mainland China).
     *
     * @param outId the caller's reference of this call, kept in the vendor's records (never a secret)
     * @throws CarrierTokenRefusedException the token is invalid, expired or used
     * @throws CarrierUnavailableException  the service did not answer, in time, or in a way that can be read
     */
    String mobile(String token, String outId);

    /**
     * Whether {@code phoneNumber} (11 digits) is the number of the token's SIM ({@code VerifyMobile}).
     *
     * @throws CarrierTokenRefusedException the token is invalid, expired or used, or the number is malformed
     * @throws CarrierUnavailableException  as for {@link #mobile}
     */
    Verdict verify(String token, String phoneNumber, String outId);
}
