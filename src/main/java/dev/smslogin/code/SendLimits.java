package dev.smslogin.code;

/**
 * How often codes may be sent. The windows of a number, a client and the realm are counted realm-wide, whichever
 * flow sent: these limits are the realm's most lenient SMS flow's, so that no flow lets anyone have more than that
 * flow allows, and never the sum of several flows. {@code requestsPerClientPerHour} caps every code request of one
 * client (see {@link ClientKey}), whatever became of it: unlike the send windows it is never given back, so a
 * client cannot call the SMS provider without bound by asking for numbers it refuses. {@code perRegionPerHour} caps
 * the realm's sends to the numbers of one destination region ({@link RegionCaps}), counted with the other windows.
 *
 * <p>A flow stricter than that ({@code stricterFlow}) also counts its own sends in windows of its own, against its
 * own limits: its limits hold for its traffic, and another flow's traffic does not use them up.
 */
public record SendLimits(int cooldownSeconds, int perPhonePerHour, int perPhonePerDay, int perIpPerHour, int perRealmPerHour,
                         RegionCaps perRegionPerHour, int requestsPerClientPerHour, FlowLimits stricterFlow) {

    /** Code requests one client may make per hour for each send it is allowed ({@code maxSendsPerIpPerHour}). */
    public static final int REQUESTS_PER_ALLOWED_SEND = 3;

    /** The windows and limits of one flow (execution, by its id) that is stricter than the realm's most lenient. */
    public record FlowLimits(String flowId, SendLimits limits) {
    }

    /** Limits whose regions have no cap of their own (the realm's cap holds for each). */
    public SendLimits(int cooldownSeconds, int perPhonePerHour, int perPhonePerDay, int perIpPerHour, int perRealmPerHour,
                      int requestsPerClientPerHour) {
        this(cooldownSeconds, perPhonePerHour, perPhonePerDay, perIpPerHour, perRealmPerHour, RegionCaps.realmCapOnly(perRealmPerHour),
                requestsPerClientPerHour, null);
    }

    /** Limits whose regions have no cap of their own (the realm's cap holds for each). */
    public SendLimits(int cooldownSeconds, int perPhonePerHour, int perPhonePerDay, int perIpPerHour, int perRealmPerHour) {
        this(cooldownSeconds, perPhonePerHour, perPhonePerDay, perIpPerHour, perRealmPerHour, RegionCaps.realmCapOnly(perRealmPerHour));
    }

    public SendLimits(int cooldownSeconds, int perPhonePerHour, int perPhonePerDay, int perIpPerHour, int perRealmPerHour,
                      RegionCaps perRegionPerHour) {
        this(cooldownSeconds, perPhonePerHour, perPhonePerDay, perIpPerHour, perRealmPerHour, perRegionPerHour,
                (int) Math.min(Integer.MAX_VALUE, (long) perIpPerHour * REQUESTS_PER_ALLOWED_SEND), null);
    }

    /** The most lenient of two flows' limits, each window on its own: shorter cooldown, higher counts. */
    public SendLimits mostLenient(SendLimits other) {
        return new SendLimits(Math.min(cooldownSeconds, other.cooldownSeconds), Math.max(perPhonePerHour, other.perPhonePerHour),
                Math.max(perPhonePerDay, other.perPhonePerDay), Math.max(perIpPerHour, other.perIpPerHour),
                Math.max(perRealmPerHour, other.perRealmPerHour), perRegionPerHour.mostLenient(other.perRegionPerHour),
                Math.max(requestsPerClientPerHour, other.requestsPerClientPerHour), null);
    }

    /**
     * These realm-wide limits, with {@code flow}'s own windows when {@code flow} is stricter than them in any
     * window (a longer cooldown, a lower count).
     */
    public SendLimits withFlow(String flowId, SendLimits flow) {
        boolean stricter = flow.cooldownSeconds > cooldownSeconds || flow.perPhonePerHour < perPhonePerHour
                || flow.perPhonePerDay < perPhonePerDay || flow.perIpPerHour < perIpPerHour || flow.perRealmPerHour < perRealmPerHour
                || flow.perRegionPerHour.stricterThan(perRegionPerHour);
        return stricter ? new SendLimits(cooldownSeconds, perPhonePerHour, perPhonePerDay, perIpPerHour, perRealmPerHour,
                perRegionPerHour, requestsPerClientPerHour, new FlowLimits(flowId, flow.withoutFlow())) : withoutFlow();
    }

    private SendLimits withoutFlow() {
        return stricterFlow == null ? this : new SendLimits(cooldownSeconds, perPhonePerHour, perPhonePerDay, perIpPerHour,
                perRealmPerHour, perRegionPerHour, requestsPerClientPerHour, null);
    }

    /**
     * These limits with the number's hourly and daily and the client's hourly counts divided by {@code divisor} (each
     * at least 1), the stricter flow's too; the cooldown, the realm's and the regions' caps and the client's requests
     * as they are.
     */
    public SendLimits dividedBy(int divisor) {
        return new SendLimits(cooldownSeconds, Math.max(1, perPhonePerHour / divisor), Math.max(1, perPhonePerDay / divisor),
                Math.max(1, perIpPerHour / divisor), perRealmPerHour, perRegionPerHour, requestsPerClientPerHour,
                stricterFlow == null ? null : new FlowLimits(stricterFlow.flowId(), stricterFlow.limits().dividedBy(divisor)));
    }
}
