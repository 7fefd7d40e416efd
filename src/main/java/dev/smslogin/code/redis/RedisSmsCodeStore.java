package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.SendDecision;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.Verification;
import dev.smslogin.code.VerifyLimits;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Codes and counters in Redis. Round trips: a send takes two (the client IP's and the realm's windows, then the
 * number's cooldown and windows and the code: the two sets of keys live in different Redis Cluster slots); a verify
 * takes one, and with Sentinel a second for a right code ({@code WAIT} for a replica, so that a failover cannot make
 * a used code usable again).
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

    @Override
    public SendDecision reserveSend(CodeScope scope, String clientIp, SendLimits limits, String codeHash, Duration codeTtl) {
        String member = UUID.randomUUID().toString();
        List<String> clientKeys = clientKeys(scope, clientIp);
        List<Long> client = redis.run(RedisScript.RESERVE_CLIENT, clientKeys,
                List.of(String.valueOf(limits.perIpPerHour()), String.valueOf(limits.perRealmPerHour()), member));
        if (client.get(0) != 0) {
            return SendDecision.refused(client.get(0) == 3 ? SendDecision.Outcome.IP_LIMIT : SendDecision.Outcome.REALM_LIMIT,
                    client.get(1));
        }
        List<Long> phone = redis.run(RedisScript.RESERVE_PHONE,
                List.of(keys.cooldown(scope), keys.phoneSends(scope), keys.code(scope)),
                List.of(String.valueOf(limits.cooldownSeconds() * 1000L), String.valueOf(limits.perPhonePerHour()),
                        String.valueOf(limits.perPhonePerDay()), member, codeHash, String.valueOf(codeTtl.toMillis())));
        if (phone.get(0) != 0) {
            redis.runForEffect(RedisScript.REMOVE_MEMBER, clientKeys, List.of(member));
            return SendDecision.refused(phone.get(0) == 1 ? SendDecision.Outcome.COOLDOWN : SendDecision.Outcome.PHONE_LIMIT,
                    phone.get(1));
        }
        return SendDecision.allowed(member);
    }

    @Override
    public void cancelSend(CodeScope scope, String clientIp, SendDecision decision) {
        redis.runForEffect(RedisScript.CANCEL_PHONE, List.of(keys.cooldown(scope), keys.phoneSends(scope), keys.code(scope)),
                List.of(decision.reservation()));
        redis.runForEffect(RedisScript.REMOVE_MEMBER, clientKeys(scope, clientIp), List.of(decision.reservation()));
    }

    private List<String> clientKeys(CodeScope scope, String clientIp) {
        return List.of(keys.ipSends(scope.realmId(), clientIp), keys.realmSends(scope.realmId()));
    }

    @Override
    public Verification verify(CodeScope scope, String candidateHash, VerifyLimits limits) {
        long outcome = redis.runForLongConfirmed(RedisScript.VERIFY_CODE, List.of(keys.code(scope), keys.failures(scope)),
                List.of(candidateHash, String.valueOf(limits.perCode()), String.valueOf(limits.lockSeconds() * 1000L),
                        String.valueOf(limits.consecutivePerPhone())),
                answer -> answer == 0);  // the code was consumed: its deletion must survive a failover
        return VERIFY_OUTCOMES[(int) outcome];
    }
}
