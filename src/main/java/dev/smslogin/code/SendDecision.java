package dev.smslogin.code;

/**
 * The code store's answer to "may a code be sent now?". When allowed, {@link #reservation()} identifies
 * the counted send so that it can be given back with {@link SmsCodeStore#cancelSend} if the SMS fails.
 */
public record SendDecision(Outcome outcome, long retryAfterSeconds, String reservation) {

    public enum Outcome {
        ALLOWED,
        /** The previous code to this number was sent less than {@code resendCooldownSeconds} ago. */
        COOLDOWN,
        /** {@code maxSendsPerPhonePerHour} or {@code maxSendsPerPhonePerDay} reached. */
        PHONE_LIMIT,
        /** {@code maxSendsPerIpPerHour} reached. */
        IP_LIMIT,
        /** {@code maxSendsPerRealmPerHour} reached: the realm's cost circuit breaker. */
        REALM_LIMIT,
        /**
         * {@code maxSendsPerRegionPerHour} reached for the number's region: the realm's toll-fraud guard. Answered to
         * users as {@link #REALM_LIMIT} is.
         */
        REGION_LIMIT
    }

    public static SendDecision allowed(String reservation) {
        return new SendDecision(Outcome.ALLOWED, 0, reservation);
    }

    public static SendDecision refused(Outcome outcome, long retryAfterMillis) {
        return new SendDecision(outcome, Math.max(1, (retryAfterMillis + 999) / 1000), null);
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOWED;
    }
}
