package dev.smslogin.code.keycloak;

import dev.smslogin.code.CodeHasher;
import dev.smslogin.code.CodeScope;
import dev.smslogin.code.OnceClaim;
import dev.smslogin.code.SendDecision;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.Verification;
import dev.smslogin.code.VerifyLimits;
import org.keycloak.models.SingleUseObjectProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Codes and counters in Keycloak's own single-use object store (Infinispan, shared by the cluster), for setups
 * without Redis. The store has no increment and no compare-and-set: {@code putIfAbsent} and {@code remove} are its
 * atomic operations, and they act at once, while {@code put} reaches the cache when the request's transaction
 * commits (and a key may be put once per request). Hence:
 *
 * <ul>
 *   <li>Every rolling window (a client's requests and sends, the realm's sends in all and to one region, a number's
 *   sends per hour and per day, a number's consecutive failures) is a {@link SlotRing}: a few operations per claim
 *   whatever its limit.</li>
 *   <li>A send counts, in order: the client's request (never given back), the client's, the realm's and the realm's
 *   to the number's region send windows, the number's cooldown, its day and hour windows; a refusal gives back what
 *   it claimed, except the request.</li>
 *   <li>The cooldown is one key taken with {@code putIfAbsent}; a second key, named after the send, says whose it
 *   is, so that giving back an older send leaves a newer send's cooldown alone.</li>
 *   <li>A code cancelled in the request that stored it cannot be removed (its {@code put} is still pending): the
 *   cancel marks it void instead, and {@link #verify} finds no code.</li>
 *   <li>Each guess claims one of the code's {@code perCode} attempt keys ({@code perCode} ≤ 10 by configuration)
 *   before the hash is compared: however many guesses run in parallel, at most {@code perCode} are compared.</li>
 *   <li>A number's failures fill a ring of {@code consecutivePerPhone - 1} claims, each held {@code lockSeconds};
 *   the failure that finds it full (or cannot be counted for contention) locks the number for {@code lockSeconds}. A right code resets the count by
 *   starting a new ring (a new generation).</li>
 * </ul>
 *
 * <p>Cost in cache operations, none growing with a limit: an allowed send 34, a send refused at the realm's limit
 * 22, at the region's 29 (a few more while other requests' claims are in flight, see {@link SlotRing}); a wrong code
 * 10, a right one 6, one more for each attempt already made on the code.
 */
final class KeycloakSmsCodeStore implements SmsCodeStore {

    private static final long HOUR_SECONDS = 3600;
    private static final long DAY_SECONDS = 86400;
    private static final long MAX_CODE_TTL_SECONDS = 3600;
    private static final String NO_FLOW = "-";

    private final SingleUseObjectProvider objects;
    private final String prefix;
    private final LongSupplier clock;
    private final SlotRing rings;

    KeycloakSmsCodeStore(SingleUseObjectProvider objects, String prefix, LongSupplier clockMillis) {
        this.objects = objects;
        this.prefix = prefix;
        this.clock = clockMillis;
        this.rings = new SlotRing(objects, clockMillis);
    }

    @Override
    public SendDecision reserveSend(CodeScope scope, String clientKey, SendLimits limits, String codeHash, Duration codeTtl) {
        SlotRing.Claim request = rings.claim(clientWindow(scope.realmId(), clientKey, "requests"), limits.requestsPerClientPerHour(),
                HOUR_SECONDS);
        if (!request.claimed()) {
            return SendDecision.refused(SendDecision.Outcome.IP_LIMIT, request.retryAfterMillis());
        }
        String sendId = UUID.randomUUID().toString();
        String flowId = limits.stricterFlow() == null ? null : limits.stricterFlow().flowId();
        List<SlotRing.Claim> claimed = new ArrayList<>();
        List<String> cooling = new ArrayList<>();
        SendDecision refusal = claimWindows(scope, clientKey, null, limits, sendId, claimed, cooling);
        if (refusal == null && flowId != null) {
            refusal = claimWindows(scope, clientKey, flowId, limits.stricterFlow().limits(), sendId, claimed, cooling);
        }
        if (refusal != null) {
            claimed.forEach(rings::release);
            cooling.forEach(cooldown -> endCooldown(cooldown, sendId));
            return refusal;
        }
        objects.put(codeKey(scope), Math.max(1, (codeTtl.toMillis() + 999) / 1000), Map.of("h", codeHash, "id", sendId));
        StringBuilder reservation = new StringBuilder(sendId).append(' ').append(flowId == null ? NO_FLOW : flowId);
        claimed.forEach(c -> reservation.append(' ').append(c.limit()).append(' ').append(c.position()));
        return SendDecision.allowed(reservation.toString());
    }

    /**
     * Claims, in order, the client's, the realm's and the realm's to the number's region send windows, the number's
     * cooldown, its day and hour windows:
     * the realm-wide ones ({@code flowId} null) or a stricter flow's own. Returns the refusal, or null.
     */
    private SendDecision claimWindows(CodeScope scope, String clientKey, String flowId, SendLimits limits, String sendId,
                                      List<SlotRing.Claim> claimed, List<String> cooling) {
        List<String> windows = sendWindows(scope, clientKey, flowId);
        SendDecision refusal = claim(windows.get(0), limits.perIpPerHour(), HOUR_SECONDS, SendDecision.Outcome.IP_LIMIT, claimed);
        if (refusal == null) {
            refusal = claim(windows.get(1), limits.perRealmPerHour(), HOUR_SECONDS, SendDecision.Outcome.REALM_LIMIT, claimed);
        }
        if (refusal == null) {
            refusal = claim(windows.get(2), limits.perRegionPerHour().of(scope.region()), HOUR_SECONDS,
                    SendDecision.Outcome.REGION_LIMIT, claimed);
        }
        if (refusal == null) {
            String cooldown = cooldownKey(scope, flowId);
            refusal = startCooldown(cooldown, limits.cooldownSeconds(), sendId);
            if (refusal == null) {
                cooling.add(cooldown);
            }
        }
        if (refusal == null) {
            refusal = claim(windows.get(3), limits.perPhonePerDay(), DAY_SECONDS, SendDecision.Outcome.PHONE_LIMIT, claimed);
        }
        if (refusal == null) {
            refusal = claim(windows.get(4), limits.perPhonePerHour(), HOUR_SECONDS, SendDecision.Outcome.PHONE_LIMIT, claimed);
        }
        return refusal;
    }

    /**
     * The reservation is the send's id, the stricter flow's id (or {@value #NO_FLOW}), then the limit and the
     * position of its claim in each of the {@link #sendWindows} it claimed (realm-wide, then the flow's), all
     * separated by spaces.
     */
    @Override
    public void cancelSend(CodeScope scope, String clientKey, SendDecision decision) {
        String[] reservation = decision.reservation().split(" ");
        String sendId = reservation[0];
        String flowId = NO_FLOW.equals(reservation[1]) ? null : reservation[1];
        List<String> windows = new ArrayList<>(sendWindows(scope, clientKey, null));
        if (flowId != null) {
            windows.addAll(sendWindows(scope, clientKey, flowId));
        }
        for (int i = 0; i < windows.size(); i++) {
            rings.release(new SlotRing.Claim(windows.get(i), Integer.parseInt(reservation[2 + 2 * i]),
                    Long.parseLong(reservation[3 + 2 * i]), 0));
        }
        endCooldown(cooldownKey(scope, null), sendId);
        if (flowId != null) {
            endCooldown(cooldownKey(scope, flowId), sendId);
        }
        // the code: void in any case (in the request that stored it, its put is still pending), gone once stored
        objects.putIfAbsent(voidKey(scope, sendId), MAX_CODE_TTL_SECONDS);
        Map<String, String> code = objects.get(codeKey(scope));
        if (code != null && sendId.equals(code.get("id"))) {
            objects.remove(codeKey(scope));
        }
    }

    /** At most {@code limit} reads: the claims held in the number's hourly window. */
    @Override
    public int sendsToNumber(CodeScope scope, SendLimits limits, int atMost) {
        return rings.held(sendWindows(scope, null, null).get(4), limits.perPhonePerHour(), atMost);
    }

    /** At most {@code limit} reads: the claims held in the client's hourly window. */
    @Override
    public int sendsFromClient(String realmId, String clientKey, SendLimits limits, int atMost) {
        return rings.held(clientWindow(realmId, clientKey, "sends"), limits.perIpPerHour(), atMost);
    }

    @Override
    public Verification verify(CodeScope scope, String candidateHash, VerifyLimits limits) {
        if (objects.contains(phoneKey(scope, "locked"))) {
            return Verification.LOCKED;
        }
        String codeKey = codeKey(scope);
        Map<String, String> stored = objects.get(codeKey);
        if (stored == null || objects.contains(voidKey(scope, stored.get("id")))) {
            return Verification.NO_CODE;
        }
        int attempt = claimAttempt(codeKey + ":attempt:" + stored.get("id") + ":", limits.perCode());
        if (attempt == 0) {
            return Verification.NO_CODE;    // its attempts are spent: the code is burned
        }
        if (CodeHasher.matches(stored.get("h"), candidateHash)) {
            Map<String, String> removed = objects.remove(codeKey);
            if (removed == null || !stored.get("id").equals(removed.get("id"))) {
                return Verification.NO_CODE;
            }
            objects.put(phoneKey(scope, "failures"), limits.lockSeconds(), Map.of("generation", UUID.randomUUID().toString()));
            return Verification.VALID;
        }
        countFailure(scope, limits);
        if (attempt < limits.perCode()) {
            return Verification.WRONG;
        }
        objects.remove(codeKey);
        return Verification.WRONG_AND_BURNED;
    }

    /** Claims the first free attempt 1..perCode of a code; returns its number, or 0 when all are taken. */
    private int claimAttempt(String attempts, int perCode) {
        for (int attempt = 1; attempt <= perCode; attempt++) {
            if (objects.putIfAbsent(attempts + attempt, MAX_CODE_TTL_SECONDS)) {
                return attempt;
            }
        }
        return 0;
    }

    private void countFailure(CodeScope scope, VerifyLimits limits) {
        Map<String, String> generation = objects.get(phoneKey(scope, "failures"));
        String failures = phoneKey(scope, "failures:" + (generation == null ? "0" : generation.get("generation")));
        if (!rings.claim(failures, limits.consecutivePerPhone() - 1, limits.lockSeconds()).claimed()) {
            objects.putIfAbsent(phoneKey(scope, "locked"), limits.lockSeconds());
        }
    }

    private SendDecision claim(String window, int limit, long seconds, SendDecision.Outcome outcome, List<SlotRing.Claim> claimed) {
        SlotRing.Claim claim = rings.claim(window, limit, seconds);
        if (!claim.claimed()) {
            return SendDecision.refused(outcome, claim.retryAfterMillis());
        }
        claimed.add(claim);
        return null;
    }

    private SendDecision startCooldown(String key, int cooldownSeconds, String sendId) {
        long now = clock.getAsLong();
        if (!objects.putIfAbsent(key, cooldownSeconds)) {
            Map<String, String> end = objects.get(key + ":until");
            long until = end == null || end.get("until") == null ? 0 : Long.parseLong(end.get("until"));
            // no end yet (or an earlier send's): the cooldown was started by a request still running
            return SendDecision.refused(SendDecision.Outcome.COOLDOWN, until > now ? until - now : cooldownSeconds * 1000L);
        }
        objects.putIfAbsent(key + ":" + sendId, cooldownSeconds);
        objects.put(key + ":until", cooldownSeconds, Map.of("until", String.valueOf(now + cooldownSeconds * 1000L)));
        return null;
    }

    /** Ends a cooldown if it is still the one {@code sendId} started. */
    private void endCooldown(String key, String sendId) {
        if (objects.remove(key + ":" + sendId) != null) {
            objects.remove(key);
        }
    }

    /**
     * The windows a send claims and gives back: the client's, the realm's, the realm's to the number's region, the
     * number's per day and per hour; realm-wide ({@code flowId} null) or a stricter flow's own.
     */
    private List<String> sendWindows(CodeScope scope, String clientKey, String flowId) {
        String flow = flowId == null ? "" : "flow:" + flowId + ":";
        String realm = prefix + scope.realmId() + ":" + flow;
        return List.of(clientWindow(scope.realmId(), clientKey, flow + "sends"), realm + "sends", realm + "region:" + scope.region() + ":sends",
                phoneKey(scope, flow + "sends:day"), phoneKey(scope, flow + "sends:hour"));
    }

    /** A {@link SlotRing} of {@code perHour} claims, each held an hour. */
    @Override
    public long reserveAttempt(String realmId, String clientKey, String kind, int perHour) {
        SlotRing.Claim claim = rings.claim(prefix + realmId + ":client:" + clientKey + ":" + kind, perHour, HOUR_SECONDS);
        return claim.claimed() ? 0 : Math.max(1, claim.retryAfterMillis());
    }

    /**
     * Two keys taken with {@code putIfAbsent}, which acts at once: the holder's own (taken first: a second try by the
     * same holder finds it), then the thing's (a try by another holder finds it taken while its own key was free).
     */
    @Override
    public OnceClaim claimOnce(String realmId, String name, String holder, Duration ttl) {
        long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        if (!objects.putIfAbsent(onceKey(realmId, name) + ":" + holder, seconds)) {
            return OnceClaim.SEEN_BY_SAME_HOLDER;
        }
        return objects.putIfAbsent(onceKey(realmId, name), seconds) ? OnceClaim.CLAIMED : OnceClaim.SEEN_BY_OTHER_HOLDER;
    }

    @Override
    public void releaseOnce(String realmId, String name, String holder) {
        // only the holder's own claim names it: without it, the claim is not (or no longer) this holder's
        if (objects.remove(onceKey(realmId, name) + ":" + holder) != null) {
            objects.remove(onceKey(realmId, name));
        }
    }

    private String onceKey(String realmId, String name) {
        return prefix + realmId + ":once:" + name;
    }

    private String cooldownKey(CodeScope scope, String flowId) {
        return phoneKey(scope, flowId == null ? "cooldown" : "flow:" + flowId + ":cooldown");
    }

    private String clientWindow(String realmId, String clientKey, String name) {
        return prefix + realmId + ":client:" + clientKey + ":" + name;
    }

    private String codeKey(CodeScope scope) {
        return phoneKey(scope, "code:" + scope.sessionId());
    }

    private String voidKey(CodeScope scope, String sendId) {
        return codeKey(scope) + ":void:" + sendId;
    }

    private String phoneKey(CodeScope scope, String name) {
        return prefix + scope.id() + ":" + name;
    }
}
