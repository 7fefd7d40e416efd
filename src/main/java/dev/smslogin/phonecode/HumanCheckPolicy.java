package dev.smslogin.phonecode;

import dev.smslogin.humancheck.NoHumanCheckFactory;

/**
 * When a flow asks its human check and what a vendor outage does: the {@code humanCheck} provider, asked before
 * every send ({@code afterSends} 0) or only once {@code afterSends} codes went to the number or from the client
 * within the hour; while the vendor cannot answer, no code ({@code allowDuringOutage} false, the default) or codes
 * within a {@value #OUTAGE_LIMIT_DIVISOR}th of the number's and the client's send limits.
 */
public record HumanCheckPolicy(String provider, int afterSends, boolean allowDuringOutage) {

    /** While the vendor is down and sends go through, the number's and the client's limits are divided by this. */
    public static final int OUTAGE_LIMIT_DIVISOR = 5;

    /** Whether every send asks the check, whatever was sent before. */
    public boolean always() {
        return afterSends == 0;
    }

    /** Whether there is a check to ask at all ({@code none}: there is not). */
    boolean asksAnything() {
        return !NoHumanCheckFactory.PROVIDER_ID.equals(provider);
    }
}
