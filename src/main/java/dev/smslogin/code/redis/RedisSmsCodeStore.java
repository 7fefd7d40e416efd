package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.OnceClaim;
import dev.smslogin.code.SendDecision;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.Verification;
import dev.smslogin.code.VerifyLimits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Codes and counters in Redis. Round trips: a send takes two (the client IP's, the realm's and the region's windows, then the
 * number's cooldown and windows and the code: the two sets of keys live in different Redis Cluster slots); a verify
 * takes one, and with Sentinel or Cluster a second for a right code ({@code WAIT} for a replica, so that a failover
 * cannot make a used code usable again).
 */
final class RedisSmsCodeStore implements SmsCodeStore {

    /** VERIFY_CODE's answers, by number. */
    private static final Verification[] VERIFY_OUTCOMES = {
            Verification.VALID, Verification.WRONG, Verification.WRONG_AND_BURNED, Verification.NO_CODE, Verification.LOCKED
    };

    private final RedisScriptRunner redis;
    private final RedisKeys keys;

    RedisSmsCodeStore(RedisScriptRunner redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** What RESERVE_CLIENT's windows refuse, by window: requests, client, realm, region, then the flow's three. */
    private static final List<SendDecision.Outcome> CLIENT_REFUSALS = List.of(SendDecision.Outcome.IP_LIMIT,
            SendDecision.Outcome.IP_LIMIT, SendDecision.Outcome.REALM_LIMIT, SendDecision.Outcome.REGION_LIMIT,
            SendDecision.Outcome.IP_LIMIT, SendDecision.Outcome.REALM_LIMIT, SendDecision.Outcome.REGION_LIMIT);

    @Override
    public SendDecision reserveSend(CodeScope scope, String clientKey, SendLimits limits, String codeHash, Duration codeTtl) {
        String member = UUID.randomUUID().toString();
        String flowId = limits.stricterFlow() == null ? null : limits.stricterFlow().flowId();
        List<String> clientArgs = new ArrayList<>(List.of(String.valueOf(limits.requestsPerClientPerHour()),
                String.valueOf(limits.perIpPerHour()), String.valueOf(limits.perRealmPerHour()),
                String.valueOf(limits.perRegionPerHour().of(scope.region()))));
        List<String> phoneArgs = new ArrayList<>(List.of(String.valueOf(limits.cooldownSeconds() * 1000L),
                String.valueOf(limits.perPhonePerHour()), String.valueOf(limits.perPhonePerDay()), member, codeHash,
                String.valueOf(codeTtl.toMillis())));
        if (flowId != null) {
            SendLimits flow = limits.stricterFlow().limits();
            clientArgs.addAll(List.of(String.valueOf(flow.perIpPerHour()), String.valueOf(flow.perRealmPerHour()),
                    String.valueOf(flow.perRegionPerHour().of(scope.region()))));
            phoneArgs.addAll(List.of(String.valueOf(flow.cooldownSeconds() * 1000L), String.valueOf(flow.perPhonePerHour()),
                    String.valueOf(flow.perPhonePerDay())));
        }
        List<String> sendWindows = sendWindows(scope, clientKey, flowId);
        List<String> clientKeys = new ArrayList<>(sendWindows);
        clientKeys.add(0, keys.clientRequests(scope.realmId(), clientKey));
        List<Long> client = redis.run(RedisScript.RESERVE_CLIENT, clientKeys, clientArgs);
        if (client.get(0) != 0) {
            return SendDecision.refused(CLIENT_REFUSALS.get((int) (client.get(0) - 1)), client.get(1));
        }
        long clientCountedAt = client.get(2);
        List<Long> phone = redis.run(RedisScript.RESERVE_PHONE, phoneKeys(scope, flowId), phoneArgs);
        if (phone.get(0) != 0) {
            redis.runForEffect(RedisScript.GIVE_BACK, sendWindows, List.of(String.valueOf(clientCountedAt)));
            return SendDecision.refused(phone.get(0) == 1 ? SendDecision.Outcome.COOLDOWN : SendDecision.Outcome.PHONE_LIMIT,
                    phone.get(1));
        }
        return SendDecision.allowed(new Reservation(member, clientCountedAt, phone.get(2), flowId).toString());
    }

    @Override
    public void cancelSend(CodeScope scope, String clientKey, SendDecision decision) {
        Reservation reservation = Reservation.parse(decision.reservation());
        redis.runForEffect(RedisScript.CANCEL_PHONE, phoneKeys(scope, reservation.flowId()),
                List.of(reservation.member(), String.valueOf(reservation.phoneCountedAt())));
        redis.runForEffect(RedisScript.GIVE_BACK, sendWindows(scope, clientKey, reservation.flowId()),
                List.of(String.valueOf(reservation.clientCountedAt())));
    }

    /**
     * What {@link #cancelSend} needs to give a send back: the member that its cooldowns and code hold, the times (the
     * Redis servers' ms) at which the client's and the number's windows counted it, which name the buckets it went
     * into, and the stricter flow whose windows also counted it. As a string: {@code member/clientMs/phoneMs}, then
     * {@code "\n" + flowId} when a flow counted it.
     */
    private record Reservation(String member, long clientCountedAt, long phoneCountedAt, String flowId) {

        private static final String FLOW_SEPARATOR = "\n";
        private static final String TIME_SEPARATOR = "/";

        static Reservation parse(String reservation) {
            String[] flow = reservation.split(FLOW_SEPARATOR, 2);
            String[] send = flow[0].split(TIME_SEPARATOR, 3);
            return new Reservation(send[0], Long.parseLong(send[1]), Long.parseLong(send[2]), flow.length > 1 ? flow[1] : null);
        }

        @Override
        public String toString() {
            String send = member + TIME_SEPARATOR + clientCountedAt + TIME_SEPARATOR + phoneCountedAt;
            return flowId == null ? send : send + FLOW_SEPARATOR + flowId;
        }
    }

    /** The number's cooldown, sends and this session's code; then the stricter flow's cooldown and sends. */
    private List<String> phoneKeys(CodeScope scope, String flowId) {
        List<String> phoneKeys = new ArrayList<>(List.of(keys.cooldown(scope), keys.phoneSends(scope), keys.code(scope)));
        if (flowId != null) {
            phoneKeys.addAll(List.of(keys.flowCooldown(scope, flowId), keys.flowPhoneSends(scope, flowId)));
        }
        return phoneKeys;
    }

    /**
     * The client's, the realm's and the realm's to the number's region send windows, then the stricter flow's; the
     * client's requests are counted apart and never given back.
     */
    private List<String> sendWindows(CodeScope scope, String clientKey, String flowId) {
        String realmId = scope.realmId();
        List<String> windows = new ArrayList<>(List.of(keys.clientSends(realmId, clientKey), keys.realmSends(realmId),
                keys.regionSends(realmId, scope.region())));
        if (flowId != null) {
            windows.addAll(List.of(keys.flowClientSends(realmId, flowId, clientKey), keys.flowRealmSends(realmId, flowId),
                    keys.flowRegionSends(realmId, flowId, scope.region())));
        }
        return windows;
    }

    @Override
    public int sendsToNumber(CodeScope scope, SendLimits limits, int atMost) {
        return (int) Math.min(atMost, redis.runForLong(RedisScript.COUNT_SENDS, List.of(keys.phoneSends(scope)), List.of()));
    }

    @Override
    public int sendsFromClient(String realmId, String clientKey, SendLimits limits, int atMost) {
        return (int) Math.min(atMost, redis.runForLong(RedisScript.COUNT_SENDS, List.of(keys.clientSends(realmId, clientKey)), List.of()));
    }

    @Override
    public Verification verify(CodeScope scope, String candidateHash, VerifyLimits limits) {
        long outcome = redis.runForLongConfirmed(RedisScript.VERIFY_CODE, List.of(keys.code(scope), keys.failures(scope)),
                List.of(candidateHash, String.valueOf(limits.perCode()), String.valueOf(limits.lockSeconds() * 1000L),
                        String.valueOf(limits.consecutivePerPhone())),
                answer -> answer == 0);  // the code was consumed: its deletion must survive a failover
        return VERIFY_OUTCOMES[(int) outcome];
    }

    @Override
    public long reserveAttempt(String realmId, String clientKey, String kind, int perHour) {
        return redis.runForLong(RedisScript.COUNT_ATTEMPT, List.of(keys.clientAttempts(realmId, kind, clientKey)),
                List.of(String.valueOf(perHour)));
    }

    /** CLAIM_ONCE's answers, by number. */
    private static final OnceClaim[] ONCE_OUTCOMES = {OnceClaim.CLAIMED, OnceClaim.SEEN_BY_SAME_HOLDER, OnceClaim.SEEN_BY_OTHER_HOLDER};

    @Override
    public OnceClaim claimOnce(String realmId, String name, String holder, Duration ttl) {
        long outcome = redis.runForLongConfirmed(RedisScript.CLAIM_ONCE, List.of(keys.once(realmId, name)),
                List.of(holder, String.valueOf(Math.max(1, ttl.toMillis()))),
                answer -> answer == 0);  // a claim must survive a failover, or the thing could be used again
        return ONCE_OUTCOMES[(int) outcome];
    }

    @Override
    public void releaseOnce(String realmId, String name, String holder) {
        redis.runForEffect(RedisScript.RELEASE_ONCE, List.of(keys.once(realmId, name)), List.of(holder));
    }
}
