package dev.smslogin.code.redis;

import dev.smslogin.code.CodeHasher;
import dev.smslogin.code.CodeScope;
import dev.smslogin.code.SendDecision;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.Verification;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Codes and counters in Redis. Round trips: a send takes two (IP window, then the phone's cooldown and
 * windows) plus one to save the code; a verify takes two (read the hash, then consume or count the miss).
 */
final class RedisSmsCodeStore implements SmsCodeStore {

    private final RedisScriptRunner redis;
    private final RedisKeys keys;

    RedisSmsCodeStore(RedisScriptRunner redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public SendDecision reserveSend(CodeScope scope, String clientIp, SendLimits limits) {
        String member = UUID.randomUUID().toString();
        List<Long> ip = redis.run(RedisScript.RESERVE_IP, List.of(keys.ipSends(scope.realmId(), clientIp)),
                List.of(String.valueOf(limits.perIpPerHour()), member));
        if (ip.get(0) != 0) {
            return SendDecision.refused(SendDecision.Outcome.IP_LIMIT, ip.get(1));
        }
        List<Long> phone = redis.run(RedisScript.RESERVE_PHONE,
                List.of(keys.cooldown(scope), keys.phoneSends(scope), keys.code(scope)),
                List.of(String.valueOf(limits.cooldownSeconds() * 1000L), String.valueOf(limits.perPhonePerHour()),
                        String.valueOf(limits.perPhonePerDay()), member));
        if (phone.get(0) != 0) {
            redis.runForEffect(RedisScript.REMOVE_MEMBER, List.of(keys.ipSends(scope.realmId(), clientIp)), List.of(member));
            return SendDecision.refused(phone.get(0) == 1 ? SendDecision.Outcome.COOLDOWN : SendDecision.Outcome.PHONE_LIMIT,
                    phone.get(1));
        }
        return SendDecision.allowed(member);
    }

    @Override
    public void cancelSend(CodeScope scope, String clientIp, SendDecision decision) {
        redis.runForEffect(RedisScript.CANCEL_PHONE, List.of(keys.cooldown(scope), keys.phoneSends(scope)), List.of(decision.reservation()));
        redis.runForEffect(RedisScript.REMOVE_MEMBER, List.of(keys.ipSends(scope.realmId(), clientIp)), List.of(decision.reservation()));
    }

    @Override
    public void saveCode(CodeScope scope, String codeHash, Duration ttl) {
        redis.runForEffect(RedisScript.SAVE_CODE, List.of(keys.code(scope)), List.of(codeHash, String.valueOf(ttl.toMillis())));
    }

    @Override
    public Verification verify(CodeScope scope, String candidateHash, int maxAttempts) {
        String codeKey = keys.code(scope);
        String stored = redis.hget(codeKey, "h");
        if (stored == null) {
            return Verification.NO_CODE;
        }
        if (CodeHasher.matches(stored, candidateHash)) {
            long consumed = redis.runForLong(RedisScript.CONSUME_CODE, List.of(codeKey), List.of(stored));
            return consumed == 1 ? Verification.VALID : Verification.NO_CODE;
        }
        long left = redis.runForLong(RedisScript.FAIL_ATTEMPT, List.of(codeKey), List.of(String.valueOf(maxAttempts)));
        if (left < 0) {
            return Verification.NO_CODE;
        }
        return left == 0 ? Verification.WRONG_AND_BURNED : Verification.WRONG;
    }
}
