package dev.smslogin.code;

/**
 * How often codes may be sent; the per-flow settings of the authenticator. {@code requestsPerClientPerHour} caps
 * every code request of one client (see {@link ClientKey}), whatever became of it: unlike the send windows it is
 * never given back, so a client cannot call the SMS provider without bound by asking for numbers it refuses.
 */
public record SendLimits(int cooldownSeconds, int perPhonePerHour, int perPhonePerDay, int perIpPerHour, int perRealmPerHour,
                         int requestsPerClientPerHour) {

    /** Code requests one client may make per hour for each send it is allowed ({@code maxSendsPerIpPerHour}). */
    public static final int REQUESTS_PER_ALLOWED_SEND = 3;

    public SendLimits(int cooldownSeconds, int perPhonePerHour, int perPhonePerDay, int perIpPerHour, int perRealmPerHour) {
        this(cooldownSeconds, perPhonePerHour, perPhonePerDay, perIpPerHour, perRealmPerHour,
                (int) Math.min(Integer.MAX_VALUE, (long) perIpPerHour * REQUESTS_PER_ALLOWED_SEND));
    }
}
