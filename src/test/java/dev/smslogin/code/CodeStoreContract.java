package dev.smslogin.code;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link SmsCodeStore} must do; each provider's test extends this. */
public abstract class CodeStoreContract {

    protected static final SendLimits LIMITS = new SendLimits(60, 5, 10, 20, 1000);

    protected static VerifyLimits attempts(int perCode) {
        return new VerifyLimits(perCode, 100, 86_400);
    }

    protected abstract SmsCodeStore store();

    protected final String realm = "realm-" + UUID.randomUUID();

    protected CodeScope newScope() {
        return new CodeScope(realm, "+86139" + String.format("%08d", (long) (Math.random() * 100_000_000)), UUID.randomUUID().toString());
    }

    protected static CodeScope otherSession(CodeScope scope) {
        return new CodeScope(scope.realmId(), scope.phoneE164(), UUID.randomUUID().toString());
    }

    @Test
    @DisplayName("a right code is valid once; a second use finds no code")
    void singleUse() {
        CodeScope scope = newScope();
        store().saveCode(scope, "hash-1", Duration.ofMinutes(5));
        assertThat(store().verify(scope, "hash-1", attempts(5))).isEqualTo(Verification.VALID);
        assertThat(store().verify(scope, "hash-1", attempts(5))).isEqualTo(Verification.NO_CODE);
    }

    @Test
    @DisplayName("wrong codes count; the last allowed attempt burns the code, so the right one fails after it")
    void attemptCap() {
        CodeScope scope = newScope();
        store().saveCode(scope, "right", Duration.ofMinutes(5));
        for (int i = 1; i < 3; i++) {
            assertThat(store().verify(scope, "wrong-" + i, attempts(3))).isEqualTo(Verification.WRONG);
        }
        assertThat(store().verify(scope, "wrong-3", attempts(3))).isEqualTo(Verification.WRONG_AND_BURNED);
        assertThat(store().verify(scope, "right", attempts(3))).isEqualTo(Verification.NO_CODE);
    }

    @Test
    @DisplayName("a code expires after its time to live")
    void ttl() throws Exception {
        CodeScope scope = newScope();
        store().saveCode(scope, "hash", Duration.ofSeconds(1));
        Thread.sleep(1600);
        assertThat(store().verify(scope, "hash", attempts(5))).isEqualTo(Verification.NO_CODE);
    }

    @Test
    @DisplayName("a new code replaces the previous one")
    void newCodeReplacesOld() {
        CodeScope scope = newScope();
        store().saveCode(scope, "old", Duration.ofMinutes(5));
        store().saveCode(scope, "new", Duration.ofMinutes(5));
        assertThat(store().verify(scope, "old", attempts(5))).isEqualTo(Verification.WRONG);
        assertThat(store().verify(scope, "new", attempts(5))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("an allowed send invalidates the previous code")
    void reserveInvalidatesPreviousCode() {
        CodeScope scope = newScope();
        store().saveCode(scope, "old", Duration.ofMinutes(5));
        assertThat(store().reserveSend(scope, "10.0.0.1", LIMITS).allowed()).isTrue();
        assertThat(store().verify(scope, "old", attempts(5))).isEqualTo(Verification.NO_CODE);
    }

    @Test
    @DisplayName("each login session holds its own code: another session's send or use leaves it alone")
    void codesBelongToTheirLoginSession() {
        CodeScope first = newScope();
        CodeScope second = otherSession(first);
        store().saveCode(first, "first", Duration.ofMinutes(5));
        store().saveCode(second, "second", Duration.ofMinutes(5));
        assertThat(store().verify(second, "first", attempts(5))).as("first's code typed in the second session").isEqualTo(Verification.WRONG);
        assertThat(store().verify(second, "second", attempts(5))).isEqualTo(Verification.VALID);
        assertThat(store().verify(first, "first", attempts(5))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("the cooldown belongs to the number, across login sessions")
    void cooldownIsPerNumber() {
        CodeScope first = newScope();
        assertThat(store().reserveSend(first, "10.0.0.1", LIMITS).allowed()).isTrue();
        assertThat(store().reserveSend(otherSession(first), "10.0.0.2", LIMITS).outcome()).isEqualTo(SendDecision.Outcome.COOLDOWN);
    }

    @Test
    @DisplayName("20 concurrent uses of the right code: exactly one succeeds")
    void singleUseUnderConcurrency() throws Exception {
        CodeScope scope = newScope();
        store().saveCode(scope, "right", Duration.ofMinutes(5));
        List<Verification> results = race(20, () -> store().verify(scope, "right", attempts(5)));
        assertThat(results).filteredOn(v -> v == Verification.VALID).hasSize(1);
        assertThat(results).filteredOn(v -> v != Verification.VALID).allMatch(v -> v == Verification.NO_CODE);
    }

    @Test
    @DisplayName("20 concurrent wrong guesses with a cap of 5: exactly one burns the code, none is lost")
    void attemptCapUnderConcurrency() throws Exception {
        CodeScope scope = newScope();
        store().saveCode(scope, "right", Duration.ofMinutes(5));
        List<Verification> results = race(20, () -> store().verify(scope, "guess-" + UUID.randomUUID(), attempts(5)));
        assertThat(results).filteredOn(v -> v == Verification.WRONG).hasSize(4);
        assertThat(results).filteredOn(v -> v == Verification.WRONG_AND_BURNED).hasSize(1);
        assertThat(store().verify(scope, "right", attempts(5))).isEqualTo(Verification.NO_CODE);
    }

    @Test
    @DisplayName("a second send within the cooldown is refused with the time left")
    void cooldown() {
        CodeScope scope = newScope();
        assertThat(store().reserveSend(scope, "10.0.0.1", LIMITS).allowed()).isTrue();
        SendDecision again = store().reserveSend(scope, "10.0.0.2", LIMITS);
        assertThat(again.outcome()).isEqualTo(SendDecision.Outcome.COOLDOWN);
        assertThat(again.retryAfterSeconds()).isBetween(55L, 60L);
    }

    @Test
    @DisplayName("50 concurrent sends to one number within the cooldown: exactly one is allowed")
    void cooldownUnderConcurrency() throws Exception {
        CodeScope scope = newScope();
        List<SendDecision> results = race(50, () -> store().reserveSend(otherSession(scope), "10.0.0." + (int) (Math.random() * 200), LIMITS));
        assertThat(results).filteredOn(SendDecision::allowed).hasSize(1);
        assertThat(results).filteredOn(d -> !d.allowed()).allMatch(d -> d.outcome() == SendDecision.Outcome.COOLDOWN);
    }

    @Test
    @DisplayName("a cancelled send gives back its cooldown and its place in the windows")
    void cancelSend() {
        CodeScope scope = newScope();
        SendDecision first = store().reserveSend(scope, "10.0.0.1", LIMITS);
        store().cancelSend(scope, "10.0.0.1", first);
        assertThat(store().reserveSend(scope, "10.0.0.1", LIMITS).allowed()).isTrue();
    }

    @Test
    @DisplayName("the per-number hourly limit holds when the cooldown has passed")
    void phoneHourlyLimit() throws Exception {
        CodeScope scope = newScope();
        SendLimits limits = new SendLimits(1, 2, 10, 100, 1000);
        assertThat(store().reserveSend(scope, "10.0.0.1", limits).allowed()).isTrue();
        Thread.sleep(1100);
        assertThat(store().reserveSend(scope, "10.0.0.1", limits).allowed()).isTrue();
        Thread.sleep(1100);
        SendDecision third = store().reserveSend(scope, "10.0.0.1", limits);
        assertThat(third.outcome()).isEqualTo(SendDecision.Outcome.PHONE_LIMIT);
        assertThat(third.retryAfterSeconds()).as("the oldest send leaves the hour window").isBetween(3590L, 3600L);
    }

    @Test
    @DisplayName("the per-number daily limit holds when the cooldown has passed")
    void phoneDailyLimit() throws Exception {
        CodeScope scope = newScope();
        SendLimits limits = new SendLimits(1, 5, 1, 100, 1000);
        assertThat(store().reserveSend(scope, "10.0.0.1", limits).allowed()).isTrue();
        Thread.sleep(1100);
        SendDecision second = store().reserveSend(scope, "10.0.0.1", limits);
        assertThat(second.outcome()).isEqualTo(SendDecision.Outcome.PHONE_LIMIT);
        assertThat(second.retryAfterSeconds()).isGreaterThan(86_000L);
    }

    @Test
    @DisplayName("the per-IP hourly limit holds across numbers, and a refused send does not count")
    void ipLimit() {
        SendLimits limits = new SendLimits(60, 5, 10, 3, 1000);
        for (int i = 0; i < 3; i++) {
            assertThat(store().reserveSend(newScope(), "192.0.2.7", limits).allowed()).isTrue();
        }
        SendDecision fourth = store().reserveSend(newScope(), "192.0.2.7", limits);
        assertThat(fourth.outcome()).isEqualTo(SendDecision.Outcome.IP_LIMIT);
        assertThat(fourth.retryAfterSeconds()).isBetween(3590L, 3600L);
        assertThat(store().reserveSend(newScope(), "192.0.2.8", limits).allowed()).as("another IP").isTrue();
    }

    @Test
    @DisplayName("the realm-wide hourly ceiling holds across numbers and IPs")
    void realmCeiling() {
        SendLimits limits = new SendLimits(60, 5, 10, 100, 2);
        assertThat(store().reserveSend(newScope(), "192.0.2.1", limits).allowed()).isTrue();
        assertThat(store().reserveSend(newScope(), "192.0.2.2", limits).allowed()).isTrue();
        SendDecision third = store().reserveSend(newScope(), "192.0.2.3", limits);
        assertThat(third.outcome()).isEqualTo(SendDecision.Outcome.REALM_LIMIT);
        assertThat(third.retryAfterSeconds()).isBetween(3590L, 3600L);
    }

    @Test
    @DisplayName("consecutive wrong codes for a number, across resends, lock it; the right code is refused too")
    void consecutiveFailuresLockTheNumber() {
        CodeScope scope = newScope();
        VerifyLimits limits = new VerifyLimits(3, 7, 86_400);
        for (int code = 0; code < 3; code++) {
            store().saveCode(scope, "right-" + code, Duration.ofMinutes(5));
            for (int i = 0; i < 3 && (code * 3 + i) < 7; i++) {
                assertThat(store().verify(scope, "wrong", limits)).isIn(Verification.WRONG, Verification.WRONG_AND_BURNED);
            }
        }
        store().saveCode(scope, "right", Duration.ofMinutes(5));
        assertThat(store().verify(scope, "right", limits)).isEqualTo(Verification.LOCKED);
        assertThat(store().verify(otherSession(scope), "anything", limits)).as("in every session").isEqualTo(Verification.LOCKED);
    }

    @Test
    @DisplayName("a right code resets the number's failure count")
    void successResetsFailures() {
        CodeScope scope = newScope();
        VerifyLimits limits = new VerifyLimits(5, 6, 86_400);
        store().saveCode(scope, "right", Duration.ofMinutes(5));
        for (int i = 0; i < 4; i++) {
            assertThat(store().verify(scope, "wrong", limits)).isEqualTo(Verification.WRONG);
        }
        assertThat(store().verify(scope, "right", limits)).isEqualTo(Verification.VALID);
        store().saveCode(scope, "again", Duration.ofMinutes(5));
        for (int i = 0; i < 4; i++) {
            assertThat(store().verify(scope, "wrong", limits)).isEqualTo(Verification.WRONG);
        }
        assertThat(store().verify(scope, "again", limits)).as("4 + 4 failures, but reset in between").isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("codes and windows of one realm do not leak into another")
    void realmsAreIsolated() {
        CodeScope scope = newScope();
        CodeScope sameNumberOtherRealm = new CodeScope("other-" + realm, scope.phoneE164(), scope.sessionBinding());
        store().saveCode(scope, "hash", Duration.ofMinutes(5));
        assertThat(store().verify(sameNumberOtherRealm, "hash", attempts(5))).isEqualTo(Verification.NO_CODE);
        assertThat(store().reserveSend(scope, "10.0.0.1", LIMITS).allowed()).isTrue();
        assertThat(store().reserveSend(sameNumberOtherRealm, "10.0.0.1", LIMITS).allowed()).isTrue();
    }

    protected static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
