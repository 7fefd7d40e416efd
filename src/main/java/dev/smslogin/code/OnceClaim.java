package dev.smslogin.code;

/** What {@link SmsCodeStore#claimOnce} found: a single-use thing (a carrier's one-tap token, say) claimed now, or seen before. */
public enum OnceClaim {
    /** First seen now: the caller may use it. */
    CLAIMED,
    /** Seen before, by the same holder (a replay). */
    SEEN_BY_SAME_HOLDER,
    /** Seen before, by another holder (another client presented it first). */
    SEEN_BY_OTHER_HOLDER
}
