package dev.smslogin.code;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** Limits no test here reaches, with the shortest cooldown (1 s), for tests about codes rather than sends. */
    private static final SendLimits ROOMY = new SendLimits(1, 100, 100, 100_000, 1_000_000);
    private static final Duration TTL = Duration.ofMinutes(5);

    protected static VerifyLimits attempts(int perCode) {
        return new VerifyLimits(perCode, 100, 86_400);
    }

    protected abstract SmsCodeStore store();

    protected final String realm = "realm-" + UUID.randomUUID();

    protected CodeScope newScope() {
        return TestScopes.scope(realm, "+86139" + String.format("%08d", (long) (Math.random() * 100_000_000)), UUID.randomUUID().toString());
    }

    protected static CodeScope otherSession(CodeScope scope) {
        return TestScopes.scope(scope.realmId(), scope.phoneE164(), UUID.randomUUID().toString());
    }

    /** Sends a code whose hash is {@code hash} to {@code scope}'s number, which must be allowed. */
    protected SendDecision send(CodeScope scope, String hash) {
        return send(scope, hash, TTL);
    }

    protected SendDecision send(CodeScope scope, String hash, Duration ttl) {
        SendDecision decision = store().reserveSend(scope, "10.0.0.1", ROOMY, hash, ttl);
        assertThat(decision.allowed()).as("send of " + hash).isTrue();
        return decision;
    }

    /** Sends another code to a number that got one less than a second ago. */
    protected SendDecision sendAfterCooldown(CodeScope scope, String hash) throws InterruptedException {
        Thread.sleep(ROOMY.cooldownSeconds() * 1000L + 100);
        return send(scope, hash);
    }

    @Test
    @DisplayName("attempts of one kind by one client are counted in a rolling hour: over the limit they are refused with the time "
            + "until one fits, and not counted; another client and another kind have windows of their own")
    void attemptsPerClient() {
        assertThat(store().reserveAttempt(realm, "client-a", "one-tap", 2)).isZero();
        assertThat(store().reserveAttempt(realm, "client-a", "one-tap", 2)).isZero();
        long wait = store().reserveAttempt(realm, "client-a", "one-tap", 2);
        assertThat(wait).isPositive().isLessThanOrEqualTo(3_600_000);
        assertThat(store().reserveAttempt(realm, "client-a", "one-tap", 3)).as("the refusal was not counted").isZero();
        assertThat(store().reserveAttempt(realm, "client-b", "one-tap", 2)).isZero();
        assertThat(store().reserveAttempt(realm, "client-a", "other-kind", 2)).isZero();
    }

    @Test
    @DisplayName("a single-use thing is claimed once: again by its holder it is seen, by another holder it is seen as another's; "
            + "a release by another holder changes nothing, the holder's own release lets it claim again")
    void claimOnce() {
        String name = "once-" + UUID.randomUUID();
        Duration ttl = Duration.ofMinutes(30);
        assertThat(store().claimOnce(realm, name, "app-a", ttl)).isEqualTo(OnceClaim.CLAIMED);
        assertThat(store().claimOnce(realm, name, "app-a", ttl)).isEqualTo(OnceClaim.SEEN_BY_SAME_HOLDER);
        assertThat(store().claimOnce(realm, name, "app-b", ttl)).isEqualTo(OnceClaim.SEEN_BY_OTHER_HOLDER);
        assertThat(store().claimOnce("other-" + realm, name, "app-b", ttl)).as("another realm's").isEqualTo(OnceClaim.CLAIMED);
        store().releaseOnce(realm, name, "app-b");
        assertThat(store().claimOnce(realm, name, "app-a", ttl)).isEqualTo(OnceClaim.SEEN_BY_SAME_HOLDER);
        store().releaseOnce(realm, name, "app-a");
        assertThat(store().claimOnce(realm, name, "app-a", ttl)).isEqualTo(OnceClaim.CLAIMED);
    }

    @Test
    @DisplayName("a single-use thing claimed by many requests at once: exactly one claims it")
    void claimOnceConcurrently() throws Exception {
        String name = "once-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<OnceClaim>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                claims.add(pool.submit(() -> {
                    start.await();
                    return store().claimOnce(realm, name, "app-a", Duration.ofMinutes(30));
                }));
            }
            start.countDown();
            int claimed = 0;
            for (Future<OnceClaim> claim : claims) {
                claimed += claim.get() == OnceClaim.CLAIMED ? 1 : 0;
            }
            assertThat(claimed).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("a right code is valid once; a second use finds no code")
    void singleUse() {
        CodeScope scope = newScope();
        send(scope, "hash-1");
        assertThat(store().verify(scope, "hash-1", attempts(5))).isEqualTo(Verification.VALID);
        assertThat(store().verify(scope, "hash-1", attempts(5))).isEqualTo(Verification.NO_CODE);
    }

    @Test
    @DisplayName("wrong codes count; the last allowed attempt burns the code, so the right one fails after it")
    void attemptCap() {
        CodeScope scope = newScope();
        send(scope, "right");
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
        send(scope, "hash", Duration.ofSeconds(1));
        Thread.sleep(1600);
        assertThat(store().verify(scope, "hash", attempts(5))).isEqualTo(Verification.NO_CODE);
    }

    @Test
    @DisplayName("a resend's code replaces the previous one")
    void newCodeReplacesOld() throws Exception {
        CodeScope scope = newScope();
        send(scope, "old");
        sendAfterCooldown(scope, "new");
        assertThat(store().verify(scope, "old", attempts(5))).isEqualTo(Verification.WRONG);
        assertThat(store().verify(scope, "new", attempts(5))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("a refused send leaves the previous code alone")
    void refusedSendKeepsTheCode() {
        CodeScope scope = newScope();
        send(scope, "old");
        assertThat(store().reserveSend(scope, "10.0.0.1", LIMITS, "new", TTL).outcome()).isEqualTo(SendDecision.Outcome.COOLDOWN);
        assertThat(store().verify(scope, "new", attempts(5))).isEqualTo(Verification.WRONG);
        assertThat(store().verify(scope, "old", attempts(5))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("each login session holds its own code: another session's send or use leaves it alone")
    void codesBelongToTheirLoginSession() throws Exception {
        CodeScope first = newScope();
        CodeScope second = otherSession(first);
        send(first, "first");
        sendAfterCooldown(second, "second");
        assertThat(store().verify(second, "first", attempts(5))).as("first's code typed in the second session").isEqualTo(Verification.WRONG);
        assertThat(store().verify(second, "second", attempts(5))).isEqualTo(Verification.VALID);
        assertThat(store().verify(first, "first", attempts(5))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("the cooldown belongs to the number, across login sessions")
    void cooldownIsPerNumber() {
        CodeScope first = newScope();
        assertThat(store().reserveSend(first, "10.0.0.1", LIMITS, "hash", TTL).allowed()).isTrue();
        assertThat(store().reserveSend(otherSession(first), "10.0.0.2", LIMITS, "hash", TTL).outcome()).isEqualTo(SendDecision.Outcome.COOLDOWN);
    }

    @Test
    @DisplayName("20 concurrent uses of the right code: exactly one succeeds")
    void singleUseUnderConcurrency() throws Exception {
        CodeScope scope = newScope();
        send(scope, "right");
        List<Verification> results = race(20, () -> store().verify(scope, "right", attempts(5)));
        assertThat(results).filteredOn(v -> v == Verification.VALID).hasSize(1);
        assertThat(results).filteredOn(v -> v != Verification.VALID).allMatch(v -> v == Verification.NO_CODE);
    }

    @Test
    @DisplayName("20 concurrent wrong guesses with a cap of 5: exactly one burns the code, none is lost")
    void attemptCapUnderConcurrency() throws Exception {
        CodeScope scope = newScope();
        send(scope, "right");
        List<Verification> results = race(20, () -> store().verify(scope, "guess-" + UUID.randomUUID(), attempts(5)));
        assertThat(results).filteredOn(v -> v == Verification.WRONG).hasSize(4);
        assertThat(results).filteredOn(v -> v == Verification.WRONG_AND_BURNED).hasSize(1);
        assertThat(store().verify(scope, "right", attempts(5))).isEqualTo(Verification.NO_CODE);
    }

    @Test
    @DisplayName("a second send within the cooldown is refused with the time left")
    void cooldown() {
        CodeScope scope = newScope();
        assertThat(store().reserveSend(scope, "10.0.0.1", LIMITS, "hash", TTL).allowed()).isTrue();
        SendDecision again = store().reserveSend(scope, "10.0.0.2", LIMITS, "hash", TTL);
        assertThat(again.outcome()).isEqualTo(SendDecision.Outcome.COOLDOWN);
        assertThat(again.retryAfterSeconds()).isBetween(55L, 60L);
    }

    @Test
    @DisplayName("50 concurrent sends to one number within the cooldown: exactly one is allowed")
    void cooldownUnderConcurrency() throws Exception {
        CodeScope scope = newScope();
        List<SendDecision> results = race(50, () -> store().reserveSend(otherSession(scope), "10.0.0." + (int) (Math.random() * 200), LIMITS, "hash", TTL));
        assertThat(results).filteredOn(SendDecision::allowed).hasSize(1);
        assertThat(results).filteredOn(d -> !d.allowed()).allMatch(d -> d.outcome() == SendDecision.Outcome.COOLDOWN);
    }

    @Test
    @DisplayName("a cancelled send gives back its cooldown and its place in the windows, and its code is gone")
    void cancelSend() {
        CodeScope scope = newScope();
        SendDecision first = store().reserveSend(scope, "10.0.0.1", LIMITS, "first", TTL);
        store().cancelSend(scope, "10.0.0.1", first);
        assertThat(store().verify(scope, "first", attempts(5))).isEqualTo(Verification.NO_CODE);
        assertThat(store().reserveSend(scope, "10.0.0.1", LIMITS, "second", TTL).allowed()).isTrue();
        assertThat(store().verify(scope, "second", attempts(5))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("cancelling a send leaves the code of a later send alone")
    void cancelLeavesLaterCode() throws Exception {
        CodeScope scope = newScope();
        SendDecision first = send(scope, "first");
        sendAfterCooldown(scope, "second");
        store().cancelSend(scope, "10.0.0.1", first);
        assertThat(store().verify(scope, "second", attempts(5))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("a client's requests are capped even when each is refused for cooldown or cancelled; one over the cap reaches no number")
    void requestCap() {
        SendLimits limits = new SendLimits(60, 1, 1, 10, 1000, 4);
        CodeScope first = newScope();
        String client = "198.51.100.7";
        store().cancelSend(first, client, store().reserveSend(first, client, limits, "cancelled", TTL));
        assertThat(store().reserveSend(first, client, limits, "kept", TTL).allowed()).as("the cancel gave everything back").isTrue();
        for (int i = 0; i < 2; i++) {
            assertThat(store().reserveSend(first, client, limits, "again", TTL).outcome()).isEqualTo(SendDecision.Outcome.COOLDOWN);
        }
        CodeScope second = newScope();
        SendDecision fifth = store().reserveSend(second, client, limits, "fifth", TTL);
        assertThat(fifth.outcome()).as("the fifth request of the hour").isEqualTo(SendDecision.Outcome.IP_LIMIT);
        assertThat(fifth.retryAfterSeconds()).isBetween(3590L, 3600L);
        assertThat(store().reserveSend(second, "198.51.100.8", limits, "other", TTL).allowed())
                .as("another client, to a number whose cooldown and limit of 1 the refused request did not touch").isTrue();
    }

    @Test
    @DisplayName("cancelling an older send leaves the cooldown and the code of a newer send to the number alone")
    void cancelLeavesLaterCooldown() throws Exception {
        CodeScope scope = newScope();
        SendLimits limits = new SendLimits(1, 10, 10, 100, 1000);
        SendDecision older = store().reserveSend(scope, "10.0.0.1", limits, "older", TTL);
        assertThat(older.allowed()).isTrue();
        Thread.sleep(1100);
        assertThat(store().reserveSend(scope, "10.0.0.1", limits, "newer", TTL).allowed()).isTrue();
        store().cancelSend(scope, "10.0.0.1", older);
        assertThat(store().reserveSend(otherSession(scope), "10.0.0.2", limits, "third", TTL).outcome())
                .as("the newer send's cooldown").isEqualTo(SendDecision.Outcome.COOLDOWN);
        assertThat(store().verify(scope, "newer", attempts(5))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("cancelSend gives back the client's send window but not its request")
    void cancelGivesBackTheWindowNotTheRequest() {
        SendLimits limits = new SendLimits(60, 5, 10, 2, 1000, 4);
        String client = "198.51.100.9";
        assertThat(store().reserveSend(newScope(), client, limits, "1", TTL).allowed()).isTrue();
        for (int request = 2; request <= 4; request++) {
            CodeScope scope = newScope();
            SendDecision decision = store().reserveSend(scope, client, limits, "hash", TTL);
            assertThat(decision.allowed()).as("request " + request + ": one send kept in the window of 2, the others cancelled")
                    .isTrue();
            store().cancelSend(scope, client, decision);
        }
        SendDecision fifth = store().reserveSend(newScope(), client, limits, "hash", TTL);
        assertThat(fifth.outcome()).as("1 send of 2 in the window, but 4 requests of 4").isEqualTo(SendDecision.Outcome.IP_LIMIT);
    }

    @Test
    @DisplayName("the sends counted to a number and from a client are what the limits count: other numbers and clients apart, a send given back not, up to atMost")
    void sendsCounted() {
        SendLimits limits = new SendLimits(60, 5, 10, 20, 1000);
        CodeScope number = newScope();
        String client = "203.0.113.61";
        assertThat(store().sendsToNumber(number, limits, 10)).isZero();
        assertThat(store().sendsFromClient(realm, client, limits, 10)).isZero();
        assertThat(store().reserveSend(number, client, limits, "1", TTL).allowed()).isTrue();
        assertThat(store().reserveSend(otherSession(number), "203.0.113.62", limits, "2", TTL).outcome())
                .as("the number's cooldown: refused, not counted").isEqualTo(SendDecision.Outcome.COOLDOWN);
        for (int i = 0; i < 2; i++) {
            assertThat(store().reserveSend(newScope(), client, limits, "other numbers", TTL).allowed()).isTrue();
        }
        CodeScope cancelled = newScope();
        store().cancelSend(cancelled, client, store().reserveSend(cancelled, client, limits, "given back", TTL));
        assertThat(store().sendsToNumber(number, limits, 10)).isEqualTo(1);
        assertThat(store().sendsToNumber(cancelled, limits, 10)).as("given back").isZero();
        assertThat(store().sendsFromClient(realm, client, limits, 10)).isEqualTo(3);
        assertThat(store().sendsFromClient(realm, client, limits, 2)).as("counted no further than atMost").isEqualTo(2);
        assertThat(store().sendsFromClient(realm, "203.0.113.62", limits, 10)).as("its refused send").isZero();
        assertThat(store().sendsFromClient("realm-" + UUID.randomUUID(), client, limits, 10)).as("another realm").isZero();
    }

    @Test
    @DisplayName("the per-number hourly limit holds when the cooldown has passed")
    void phoneHourlyLimit() throws Exception {
        CodeScope scope = newScope();
        SendLimits limits = new SendLimits(1, 2, 10, 100, 1000);
        assertThat(store().reserveSend(scope, "10.0.0.1", limits, "hash", TTL).allowed()).isTrue();
        Thread.sleep(1100);
        assertThat(store().reserveSend(scope, "10.0.0.1", limits, "hash", TTL).allowed()).isTrue();
        Thread.sleep(1100);
        SendDecision third = store().reserveSend(scope, "10.0.0.1", limits, "hash", TTL);
        assertThat(third.outcome()).isEqualTo(SendDecision.Outcome.PHONE_LIMIT);
        assertThat(third.retryAfterSeconds()).as("the oldest send leaves the hour window").isBetween(3590L, 3600L);
    }

    @Test
    @DisplayName("the per-number daily limit holds when the cooldown has passed")
    void phoneDailyLimit() throws Exception {
        CodeScope scope = newScope();
        SendLimits limits = new SendLimits(1, 5, 1, 100, 1000);
        assertThat(store().reserveSend(scope, "10.0.0.1", limits, "hash", TTL).allowed()).isTrue();
        Thread.sleep(1100);
        SendDecision second = store().reserveSend(scope, "10.0.0.1", limits, "hash", TTL);
        assertThat(second.outcome()).isEqualTo(SendDecision.Outcome.PHONE_LIMIT);
        assertThat(second.retryAfterSeconds()).isGreaterThan(86_000L);
    }

    @Test
    @DisplayName("the per-IP hourly limit holds across numbers, and a refused send does not count")
    void ipLimit() {
        SendLimits limits = new SendLimits(60, 5, 10, 3, 1000);
        for (int i = 0; i < 3; i++) {
            assertThat(store().reserveSend(newScope(), "192.0.2.7", limits, "hash", TTL).allowed()).isTrue();
        }
        SendDecision fourth = store().reserveSend(newScope(), "192.0.2.7", limits, "hash", TTL);
        assertThat(fourth.outcome()).isEqualTo(SendDecision.Outcome.IP_LIMIT);
        assertThat(fourth.retryAfterSeconds()).isBetween(3590L, 3600L);
        assertThat(store().reserveSend(newScope(), "192.0.2.8", limits, "hash", TTL).allowed()).as("another IP").isTrue();
    }

    @Test
    @DisplayName("the realm-wide hourly ceiling holds across numbers and IPs")
    void realmCeiling() {
        SendLimits limits = new SendLimits(60, 5, 10, 100, 2);
        assertThat(store().reserveSend(newScope(), "192.0.2.1", limits, "hash", TTL).allowed()).isTrue();
        assertThat(store().reserveSend(newScope(), "192.0.2.2", limits, "hash", TTL).allowed()).isTrue();
        SendDecision third = store().reserveSend(newScope(), "192.0.2.3", limits, "hash", TTL);
        assertThat(third.outcome()).isEqualTo(SendDecision.Outcome.REALM_LIMIT);
        assertThat(third.retryAfterSeconds()).isBetween(3590L, 3600L);
    }

    /** A scope for a random mobile number of {@code region} (CN or US) in {@code realmId}. */
    private static final java.util.concurrent.atomic.AtomicLong NEXT_NUMBER =
            new java.util.concurrent.atomic.AtomicLong(java.util.concurrent.ThreadLocalRandom.current().nextInt(5_000));

    protected static CodeScope scopeIn(String realmId, String region) {
        String e164 = switch (region) {
            // counted, not random: 100 random numbers of 10 000 repeat one about every third run (a cooldown refusal)
            case "CN" -> "+86139" + String.format("%08d", NEXT_NUMBER.getAndIncrement() % 100_000_000);
            case "US" -> "+1650253" + String.format("%04d", NEXT_NUMBER.getAndIncrement() % 10_000);
            default -> throw new IllegalArgumentException(region);
        };
        CodeScope scope = TestScopes.scope(realmId, e164, UUID.randomUUID().toString());
        assertThat(scope.region()).isEqualTo(region);
        return scope;
    }

    private static SendLimits regionCaps(String caps) {
        Map<String, Integer> byRegion = new HashMap<>();
        int others = 0;
        for (String entry : caps.split(",")) {
            String[] cap = entry.split("=");
            if (cap[0].equals("*")) {
                others = Integer.parseInt(cap[1]);
            } else {
                byRegion.put(cap[0], Integer.parseInt(cap[1]));
            }
        }
        return new SendLimits(60, 5, 10, 100, 1000, new RegionCaps(byRegion, others));
    }

    @Test
    @DisplayName("a region's hourly cap refuses its numbers' next send as the realm cap is, while another region still sends")
    void regionCap() {
        SendLimits limits = regionCaps("CN=100000,*=2");
        for (int i = 0; i < 2; i++) {
            assertThat(store().reserveSend(scopeIn(realm, "US"), "192.0.2." + i, limits, "hash", TTL).allowed()).as("US send " + (i + 1)).isTrue();
        }
        SendDecision third = store().reserveSend(scopeIn(realm, "US"), "192.0.2.3", limits, "hash", TTL);
        assertThat(third.outcome()).isEqualTo(SendDecision.Outcome.REGION_LIMIT);
        assertThat(third.retryAfterSeconds()).isBetween(3590L, 3600L);
        assertThat(store().reserveSend(scopeIn(realm, "CN"), "192.0.2.4", limits, "hash", TTL).allowed()).as("a CN number").isTrue();
        assertThat(store().reserveSend(scopeIn(realm, "CN"), "192.0.2.5", limits, "hash", TTL).allowed()).as("another CN number").isTrue();
        assertThat(store().reserveSend(scopeIn("other-" + realm, "US"), "192.0.2.6", limits, "hash", TTL).allowed())
                .as("a US number of another realm: the cap is per realm").isTrue();
    }

    @Test
    @DisplayName("a send refused by the region cap, or given back, leaves no count in the region's window")
    void regionCapGivesBack() {
        SendLimits limits = regionCaps("US=1,*=1000");
        CodeScope first = scopeIn(realm, "US");
        SendDecision cancelled = store().reserveSend(first, "192.0.2.10", limits, "hash", TTL);
        assertThat(cancelled.allowed()).isTrue();
        store().cancelSend(first, "192.0.2.10", cancelled);
        CodeScope second = scopeIn(realm, "US");
        assertThat(store().reserveSend(second, "192.0.2.11", limits, "hash", TTL).allowed()).as("the cancel gave the place back").isTrue();
        assertThat(store().reserveSend(otherSession(second), "192.0.2.12", limits, "hash", TTL).outcome())
                .as("the region's window is full").isEqualTo(SendDecision.Outcome.REGION_LIMIT);
        assertThat(store().reserveSend(otherSession(second), "192.0.2.12", limits, "hash", TTL).outcome())
                .as("the refusal above took no place: still one send in the window, and the cooldown not reached")
                .isEqualTo(SendDecision.Outcome.REGION_LIMIT);
        SendLimits lifted = regionCaps("US=2,*=1000");
        assertThat(store().reserveSend(scopeIn(realm, "US"), "192.0.2.13", lifted, "hash", TTL).allowed())
                .as("a cap of 2: the refused sends left no count").isTrue();
    }

    @Test
    @DisplayName("40 concurrent sends to 40 numbers of one region with a cap of 5: exactly 5 are allowed, the rest refused by the region cap")
    void regionCapUnderConcurrency() throws Exception {
        SendLimits limits = regionCaps("US=5,*=1000");
        List<SendDecision> results = race(40, () -> store().reserveSend(scopeIn(realm, "US"),
                "10.1.0." + (int) (Math.random() * 200), limits, "hash", TTL));
        assertThat(results).filteredOn(SendDecision::allowed).hasSize(5);
        assertThat(results).filteredOn(d -> !d.allowed()).allMatch(d -> d.outcome() == SendDecision.Outcome.REGION_LIMIT);
        assertThat(store().reserveSend(scopeIn(realm, "CN"), "10.1.1.1", limits, "hash", TTL).allowed()).as("CN").isTrue();
    }

    @Test
    @DisplayName("a flow with a stricter region cap counts its own sends to the region; the realm-wide cap bounds both flows")
    void stricterFlowRegionCap() {
        SendLimits lenient = regionCaps("*=3");
        SendLimits strict = lenient.withFlow("flow-strict", regionCaps("US=1,*=3"));
        assertThat(strict.stricterFlow()).isNotNull();
        assertThat(lenient.withFlow("flow-lenient", regionCaps("*=3")).stricterFlow()).isNull();
        assertThat(store().reserveSend(scopeIn(realm, "US"), "192.0.2.20", strict, "hash", TTL).allowed()).isTrue();
        assertThat(store().reserveSend(scopeIn(realm, "US"), "192.0.2.21", strict, "hash", TTL).outcome())
                .as("the strict flow's own cap").isEqualTo(SendDecision.Outcome.REGION_LIMIT);
        assertThat(store().reserveSend(scopeIn(realm, "CN"), "192.0.2.22", strict, "hash", TTL).allowed()).as("CN through it").isTrue();
        for (int i = 0; i < 2; i++) {
            assertThat(store().reserveSend(scopeIn(realm, "US"), "192.0.2.2" + (3 + i), lenient, "hash", TTL).allowed())
                    .as("lenient flow, US send " + (i + 1)).isTrue();
        }
        assertThat(store().reserveSend(scopeIn(realm, "US"), "192.0.2.30", lenient, "hash", TTL).outcome())
                .as("the realm-wide window counted both flows").isEqualTo(SendDecision.Outcome.REGION_LIMIT);
    }

    @Test
    @DisplayName("consecutive wrong codes for a number, across resends, lock it; the right code is refused too")
    void consecutiveFailuresLockTheNumber() throws Exception {
        CodeScope scope = newScope();
        VerifyLimits limits = new VerifyLimits(3, 7, 86_400);
        send(scope, "right-0");
        for (int code = 0; code < 3; code++) {
            if (code > 0) {
                sendAfterCooldown(scope, "right-" + code);
            }
            for (int i = 0; i < 3 && (code * 3 + i) < 7; i++) {
                assertThat(store().verify(scope, "wrong", limits)).isIn(Verification.WRONG, Verification.WRONG_AND_BURNED);
            }
        }
        sendAfterCooldown(scope, "right");
        assertThat(store().verify(scope, "right", limits)).isEqualTo(Verification.LOCKED);
        assertThat(store().verify(otherSession(scope), "anything", limits)).as("in every session").isEqualTo(Verification.LOCKED);
    }

    @Test
    @DisplayName("a right code resets the number's failure count")
    void successResetsFailures() throws Exception {
        CodeScope scope = newScope();
        VerifyLimits limits = new VerifyLimits(5, 6, 86_400);
        send(scope, "right");
        for (int i = 0; i < 4; i++) {
            assertThat(store().verify(scope, "wrong", limits)).isEqualTo(Verification.WRONG);
        }
        assertThat(store().verify(scope, "right", limits)).isEqualTo(Verification.VALID);
        sendAfterCooldown(scope, "again");
        for (int i = 0; i < 4; i++) {
            assertThat(store().verify(scope, "wrong", limits)).isEqualTo(Verification.WRONG);
        }
        assertThat(store().verify(scope, "again", limits)).as("4 + 4 failures, but reset in between").isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("codes and cooldowns of one realm do not leak into another")
    void realmsAreIsolated() {
        CodeScope scope = newScope();
        CodeScope sameNumberOtherRealm = TestScopes.scope("other-" + realm, scope.phoneE164(), scope.sessionBinding());
        send(scope, "hash");
        assertThat(store().verify(sameNumberOtherRealm, "hash", attempts(5))).isEqualTo(Verification.NO_CODE);
        assertThat(store().reserveSend(sameNumberOtherRealm, "10.0.0.1", LIMITS, "other", TTL).allowed()).isTrue();
        assertThat(store().verify(scope, "hash", attempts(5))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("a stricter flow's client and realm limits hold for its own sends, which another flow's sends do not use up; "
            + "the realm-wide limits bound both flows together")
    void stricterFlowCountsItsOwnSends() {
        SendLimits lenient = new SendLimits(60, 5, 10, 5, 1000);
        SendLimits strict = lenient.withFlow("flow-strict", new SendLimits(60, 5, 10, 2, 1000));
        assertThat(strict.stricterFlow()).isNotNull();
        assertThat(lenient.withFlow("flow-lenient", lenient).stricterFlow()).as("a flow as lenient as the realm has no windows of its own").isNull();
        for (int i = 0; i < 2; i++) {
            assertThat(store().reserveSend(newScope(), "192.0.2.9", lenient, "hash", TTL).allowed()).as("lenient flow").isTrue();
        }
        for (int i = 0; i < 2; i++) {
            assertThat(store().reserveSend(newScope(), "192.0.2.9", strict, "hash", TTL).allowed()).as("strict flow, send " + (i + 1)).isTrue();
        }
        assertThat(store().reserveSend(newScope(), "192.0.2.9", strict, "hash", TTL).outcome()).isEqualTo(SendDecision.Outcome.IP_LIMIT);
        assertThat(store().reserveSend(newScope(), "192.0.2.9", lenient, "hash", TTL).allowed()).as("5th send of the client").isTrue();
        assertThat(store().reserveSend(newScope(), "192.0.2.9", lenient, "hash", TTL).outcome())
                .as("the realm-wide window counted both flows").isEqualTo(SendDecision.Outcome.IP_LIMIT);
    }

    @Test
    @DisplayName("a stricter flow's per-number limit and cooldown hold for its own sends; a cancel gives back its windows")
    void stricterFlowPhoneWindows() throws Exception {
        CodeScope scope = newScope();
        SendLimits realmWide = new SendLimits(1, 5, 10, 100, 1000);
        SendLimits strict = realmWide.withFlow("flow-strict", new SendLimits(1, 1, 10, 100, 1000));
        SendDecision first = store().reserveSend(scope, "10.0.0.1", strict, "hash", TTL);
        assertThat(first.allowed()).isTrue();
        store().cancelSend(scope, "10.0.0.1", first);
        assertThat(store().reserveSend(scope, "10.0.0.1", strict, "hash", TTL).allowed()).as("given back, also in the flow's windows").isTrue();
        Thread.sleep(1100);
        assertThat(store().reserveSend(scope, "10.0.0.1", strict, "hash", TTL).outcome()).isEqualTo(SendDecision.Outcome.PHONE_LIMIT);
        assertThat(store().reserveSend(scope, "10.0.0.1", realmWide, "hash", TTL).allowed()).as("through a lenient flow").isTrue();

        CodeScope cooled = newScope();
        SendLimits longCooldown = realmWide.withFlow("flow-slow", new SendLimits(60, 5, 10, 100, 1000));
        assertThat(store().reserveSend(cooled, "10.0.0.1", realmWide, "hash", TTL).allowed()).isTrue();
        Thread.sleep(1100);
        assertThat(store().reserveSend(cooled, "10.0.0.1", longCooldown, "hash", TTL).allowed()).as("its own cooldown had not started").isTrue();
        Thread.sleep(1100);
        SendDecision cooling = store().reserveSend(cooled, "10.0.0.1", longCooldown, "hash", TTL);
        assertThat(cooling.outcome()).isEqualTo(SendDecision.Outcome.COOLDOWN);
        assertThat(cooling.retryAfterSeconds()).isBetween(55L, 60L);
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
