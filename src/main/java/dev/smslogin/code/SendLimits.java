package dev.smslogin.code;

/** How often codes may be sent; the per-flow settings of the authenticator. */
public record SendLimits(int cooldownSeconds, int perPhonePerHour, int perPhonePerDay, int perIpPerHour, int perRealmPerHour) {
}
