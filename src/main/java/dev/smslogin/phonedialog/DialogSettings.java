package dev.smslogin.phonedialog;

import dev.smslogin.code.SendLimits;
import dev.smslogin.code.VerifyLimits;

import java.time.Duration;
import java.util.Set;

/**
 * What a phone dialog runs with: the form and life of its codes, the limits of sending and checking them, the
 * regions a number may belong to, and the human check every send passes.
 */
public record DialogSettings(int codeLength, Duration codeTtl, SendLimits sendLimits, VerifyLimits verifyLimits,
                             String defaultRegion, Set<String> allowedRegions, String humanCheck) {
}
