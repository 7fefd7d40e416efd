package dev.smslogin.code;

/**
 * How many wrong codes are tolerated: {@code perCode} burns one code; {@code consecutivePerPhone} counts wrong
 * codes for a number across codes and resends (NIST SP 800-63B rev 4) and locks it for
 * {@code lockSeconds} after the last failure; a right code resets the count.
 */
public record VerifyLimits(int perCode, int consecutivePerPhone, int lockSeconds) {
}
