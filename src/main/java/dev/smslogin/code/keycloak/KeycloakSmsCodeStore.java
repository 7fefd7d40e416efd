package dev.smslogin.code.keycloak;

import dev.smslogin.code.CodeHasher;
import dev.smslogin.code.CodeScope;
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
 * without Redis. Atomicity comes from {@code putIfAbsent} and {@code remove}: a rolling window of N sends is N
 * slots, each claimed with {@code putIfAbsent} and expiring on its own; the n-th wrong attempt on a code claims
 * slot n, and so does the n-th failure of a number (slots expiring {@code lockSeconds} after they were taken).
 */
final class KeycloakSmsCodeStore implements SmsCodeStore {

    private static final long HOUR_SECONDS = 3600;
    private static final long DAY_SECONDS = 86400;
    private static final long MAX_CODE_TTL_SECONDS = 3600;

    private final SingleUseObjectProvider objects;
    private final String prefix;
    private final LongSupplier clock;

    KeycloakSmsCodeStore(SingleUseObjectProvider objects, String prefix, LongSupplier clockMillis) {
        this.objects = objects;
        this.prefix = prefix;
        this.clock = clockMillis;
    }

    @Override
    public SendDecision reserveSend(CodeScope scope, String clientIp, SendLimits limits, String codeHash, Duration codeTtl) {
        List<String> claimed = new ArrayList<>();
        String ipWindow = prefix + scope.realmId() + ":ip:" + clientIp + ":hour";
        SendDecision refusal = claimSlot(ipWindow, limits.perIpPerHour(), HOUR_SECONDS, SendDecision.Outcome.IP_LIMIT, claimed);
        if (refusal == null) {
            refusal = claimSlot(prefix + scope.realmId() + ":realm:hour", limits.perRealmPerHour(), HOUR_SECONDS,
                    SendDecision.Outcome.REALM_LIMIT, claimed);
        }
        if (refusal == null) {
            refusal = startCooldown(scope, limits.cooldownSeconds());
            if (refusal == null) {
                claimed.add(cooldownKey(scope));
                refusal = claimSlot(phoneKey(scope, "day"), limits.perPhonePerDay(), DAY_SECONDS, SendDecision.Outcome.PHONE_LIMIT, claimed);
            }
        }
        if (refusal == null) {
            refusal = claimSlot(phoneKey(scope, "hour"), limits.perPhonePerHour(), HOUR_SECONDS, SendDecision.Outcome.PHONE_LIMIT, claimed);
        }
        if (refusal != null) {
            claimed.forEach(this::release);
            return refusal;
        }
        String codeId = UUID.randomUUID().toString();
        objects.put(codeKey(scope), Math.max(1, (codeTtl.toMillis() + 999) / 1000), Map.of("h", codeHash, "id", codeId));
        claimed.add(0, codeId);
        return SendDecision.allowed(String.join("\n", claimed));
    }

    /** The reservation is the code's id, then the slots the send claimed, a line each. */
    @Override
    public void cancelSend(CodeScope scope, String clientIp, SendDecision decision) {
        List<String> reservation = List.of(decision.reservation().split("\n"));
        reservation.subList(1, reservation.size()).forEach(this::release);
        Map<String, String> code = objects.get(codeKey(scope));
        if (code != null && reservation.get(0).equals(code.get("id"))) {
            objects.remove(codeKey(scope));
        }
    }

    @Override
    public Verification verify(CodeScope scope, String candidateHash, VerifyLimits limits) {
        String failures = failuresPrefix(scope);
        if (objects.contains(failures + limits.consecutivePerPhone())) {
            return Verification.LOCKED;
        }
        String codeKey = codeKey(scope);
        Map<String, String> stored = objects.get(codeKey);
        if (stored == null) {
            return Verification.NO_CODE;
        }
        if (CodeHasher.matches(stored.get("h"), candidateHash)) {
            Map<String, String> removed = objects.remove(codeKey);
            boolean won = removed != null && stored.get("id").equals(removed.get("id"));
            if (won) {
                objects.put(phoneKey(scope, "failures"), limits.lockSeconds(), Map.of("generation", UUID.randomUUID().toString()));
            }
            return won ? Verification.VALID : Verification.NO_CODE;
        }
        claimFirstFree(failures, limits.consecutivePerPhone(), limits.lockSeconds());
        int attempt = claimFirstFree(codeKey + ":fail:" + stored.get("id") + ":", limits.perCode(), MAX_CODE_TTL_SECONDS);
        if (attempt == 0) {
            return Verification.NO_CODE;
        }
        if (attempt < limits.perCode()) {
            return Verification.WRONG;
        }
        objects.remove(codeKey);
        return Verification.WRONG_AND_BURNED;
    }

    /** Slot keys of the number's failures; a right code starts a new generation, which resets the count. */
    private String failuresPrefix(CodeScope scope) {
        Map<String, String> generation = objects.get(phoneKey(scope, "failures"));
        return phoneKey(scope, "failures:" + (generation == null ? "0" : generation.get("generation")) + ":");
    }

    /** Claims the first free slot 1..max under {@code prefix}; returns its number, or 0 when all are taken. */
    private int claimFirstFree(String prefix, int max, long lifespanSeconds) {
        for (int slot = 1; slot <= max; slot++) {
            if (objects.putIfAbsent(prefix + slot, lifespanSeconds)) {
                return slot;
            }
        }
        return 0;
    }

    private SendDecision startCooldown(CodeScope scope, int cooldownSeconds) {
        String key = cooldownKey(scope);
        if (objects.putIfAbsent(key, cooldownSeconds)) {
            objects.put(key + ":until", cooldownSeconds, Map.of("until", String.valueOf(clock.getAsLong() + cooldownSeconds * 1000L)));
            return null;
        }
        return SendDecision.refused(SendDecision.Outcome.COOLDOWN, remainingMillis(key));
    }

    /** Claims a free slot of a window, or answers when the earliest slot frees up. */
    private SendDecision claimSlot(String window, int limit, long windowSeconds, SendDecision.Outcome outcome, List<String> claimed) {
        long soonest = Long.MAX_VALUE;
        for (int slot = 0; slot < limit; slot++) {
            String key = window + ":" + slot;
            if (objects.putIfAbsent(key, windowSeconds)) {
                objects.put(key + ":until", windowSeconds, Map.of("until", String.valueOf(clock.getAsLong() + windowSeconds * 1000)));
                claimed.add(key);
                return null;
            }
            soonest = Math.min(soonest, remainingMillis(key));
        }
        return SendDecision.refused(outcome, soonest == Long.MAX_VALUE ? windowSeconds * 1000 : soonest);
    }

    private long remainingMillis(String key) {
        Map<String, String> until = objects.get(key + ":until");
        if (until == null) {
            return 1000;
        }
        return Math.max(0, Long.parseLong(until.get("until")) - clock.getAsLong());
    }

    private void release(String key) {
        objects.remove(key);
        objects.remove(key + ":until");
    }

    private String codeKey(CodeScope scope) {
        return phoneKey(scope, "code:" + scope.sessionId());
    }

    private String cooldownKey(CodeScope scope) {
        return phoneKey(scope, "cooldown");
    }

    private String phoneKey(CodeScope scope, String name) {
        return prefix + scope.id() + ":" + name;
    }
}
