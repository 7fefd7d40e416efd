package dev.smslogin.code.keycloak;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.OnceClaim;
import dev.smslogin.code.CodeStoreContract;
import dev.smslogin.code.RegionCaps;
import dev.smslogin.code.SendDecision;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.Verification;
import dev.smslogin.code.VerifyLimits;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.models.SingleUseObjectProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

class KeycloakSmsCodeStoreTest extends CodeStoreContract {

    private static final Duration TTL = Duration.ofMinutes(5);
    /**
     * Cache operations a send may cost, allowed or refused, whatever its windows hold (measured: 34 and 22; 29 before
     * the region's window).
     */
    private static final int MAX_OPERATIONS_PER_SEND = 37;

    /** The cluster's cache, which every request shares. */
    private final InMemorySingleUseObjects cache = new InMemorySingleUseObjects();

    /** Each call is one Keycloak request. */
    private final SmsCodeStore store = new SmsCodeStore() {
        @Override
        public SendDecision reserveSend(CodeScope scope, String clientKey, SendLimits limits, String codeHash, Duration codeTtl) {
            return inRequest(UnaryOperator.identity(), s -> s.reserveSend(scope, clientKey, limits, codeHash, codeTtl));
        }

        @Override
        public void cancelSend(CodeScope scope, String clientKey, SendDecision decision) {
            inRequest(UnaryOperator.identity(), s -> {
                s.cancelSend(scope, clientKey, decision);
                return null;
            });
        }

        @Override
        public int sendsToNumber(CodeScope scope, SendLimits limits, int atMost) {
            return inRequest(UnaryOperator.identity(), s -> s.sendsToNumber(scope, limits, atMost));
        }

        @Override
        public int sendsFromClient(String realmId, String clientKey, SendLimits limits, int atMost) {
            return inRequest(UnaryOperator.identity(), s -> s.sendsFromClient(realmId, clientKey, limits, atMost));
        }

        @Override
        public Verification verify(CodeScope scope, String candidateHash, VerifyLimits limits) {
            return inRequest(UnaryOperator.identity(), s -> s.verify(scope, candidateHash, limits));
        }

        @Override
        public long reserveAttempt(String realmId, String clientKey, String kind, int perHour) {
            return inRequest(UnaryOperator.identity(), s -> s.reserveAttempt(realmId, clientKey, kind, perHour));
        }

        @Override
        public OnceClaim claimOnce(String realmId, String name, String holder, Duration ttl) {
            return inRequest(UnaryOperator.identity(), s -> s.claimOnce(realmId, name, holder, ttl));
        }

        @Override
        public void releaseOnce(String realmId, String name, String holder) {
            inRequest(UnaryOperator.identity(), s -> {
                s.releaseOnce(realmId, name, holder);
                return null;
            });
        }
    };

    @Override
    protected SmsCodeStore store() {
        return store;
    }

    /**
     * Runs {@code call} as one request: on its own view of the cache, seen through {@code observe}, its puts
     * reaching the cache when it returns.
     */
    private <T> T inRequest(UnaryOperator<SingleUseObjectProvider> observe, Function<SmsCodeStore, T> call) {
        RequestScopedSingleUseObjects request = new RequestScopedSingleUseObjects(cache);
        T result = call.apply(new KeycloakSmsCodeStore(observe.apply(request), "sms-login:", System::currentTimeMillis));
        request.commit();
        return result;
    }

    @Test
    @DisplayName("a send costs a few cache operations, however full the windows: allowed at 999 of 1000, refused at 1000")
    void sendCostDoesNotGrowWithTheLimit() {
        SendLimits limits = new SendLimits(60, 5, 10, 5, 1000);
        for (int i = 0; i < 999; i++) {
            assertThat(store.reserveSend(newScope(), client(i), limits, "hash", TTL).allowed()).isTrue();
        }
        Observed last = new Observed(null);
        assertThat(inRequest(last::on, s -> s.reserveSend(newScope(), client(999), limits, "hash", TTL)).allowed()).isTrue();
        Observed refused = new Observed(null);
        assertThat(inRequest(refused::on, s -> s.reserveSend(newScope(), client(1000), limits, "hash", TTL)).outcome())
                .isEqualTo(SendDecision.Outcome.REALM_LIMIT);
        assertThat(last.operations.get()).as("operations of the 1000th send").isLessThanOrEqualTo(MAX_OPERATIONS_PER_SEND);
        assertThat(refused.operations.get()).as("operations of a send over the realm's limit").isLessThanOrEqualTo(MAX_OPERATIONS_PER_SEND);
    }

    @Test
    @DisplayName("a send to a region at its cap costs a few cache operations too: allowed at 99 of 100, refused at 100")
    void regionCapCost() {
        SendLimits limits = new SendLimits(60, 5, 10, 5, 1_000_000, new RegionCaps(Map.of("US", 100), 1_000_000));
        for (int i = 0; i < 99; i++) {
            assertThat(store.reserveSend(scopeIn(realm, "US"), client(i), limits, "hash", TTL).allowed()).isTrue();
        }
        Observed last = new Observed(null);
        assertThat(inRequest(last::on, s -> s.reserveSend(scopeIn(realm, "US"), client(99), limits, "hash", TTL)).allowed()).isTrue();
        Observed refused = new Observed(null);
        assertThat(inRequest(refused::on, s -> s.reserveSend(scopeIn(realm, "US"), client(100), limits, "hash", TTL)).outcome())
                .isEqualTo(SendDecision.Outcome.REGION_LIMIT);
        assertThat(last.operations.get()).as("operations of the 100th send").isLessThanOrEqualTo(MAX_OPERATIONS_PER_SEND);
        assertThat(refused.operations.get()).as("operations of a send over the region's cap").isLessThanOrEqualTo(MAX_OPERATIONS_PER_SEND);
    }

    @Test
    @DisplayName("sends of requests still running count, and cost a few operations to skip: 299 in flight, the 300th allowed, the 301st not")
    void sendsOfRunningRequests() {
        SendLimits limits = new SendLimits(60, 5, 10, 5, 300);
        List<RequestScopedSingleUseObjects> running = new ArrayList<>();
        for (int i = 0; i < 299; i++) {
            RequestScopedSingleUseObjects request = new RequestScopedSingleUseObjects(cache);
            running.add(request);
            SendDecision decision = new KeycloakSmsCodeStore(request, "sms-login:", System::currentTimeMillis)
                    .reserveSend(newScope(), client(i), limits, "hash", TTL);
            assertThat(decision.allowed()).isTrue();
        }
        Observed last = new Observed(null);
        SendDecision lastDecision = inRequest(last::on, s -> s.reserveSend(newScope(), client(299), limits, "hash", TTL));
        assertThat(lastDecision.allowed()).isTrue();
        assertThat(last.operations.get()).as("operations of the 300th send, 299 in flight: a gallop over their marks in the "
                        + "realm's window and in its region's").isLessThanOrEqualTo(MAX_OPERATIONS_PER_SEND + 2 * (2 * 9 + 2));
        SendDecision over = inRequest(UnaryOperator.identity(), s -> s.reserveSend(newScope(), client(300), limits, "hash", TTL));
        assertThat(over.outcome()).isEqualTo(SendDecision.Outcome.REALM_LIMIT);
        running.forEach(RequestScopedSingleUseObjects::commit);
        assertThat(store.reserveSend(newScope(), client(301), limits, "hash", TTL).outcome()).isEqualTo(SendDecision.Outcome.REALM_LIMIT);
    }

    @Test
    @DisplayName("a wrong code costs as many cache operations after 15 failures of the number as after none")
    void failureCountCostDoesNotGrow() throws Exception {
        CodeScope scope = newScope();
        VerifyLimits limits = new VerifyLimits(5, 10_000, 86_400);
        send(scope, "right-1");
        Observed first = new Observed(null);
        Verification firstFailure = inRequest(first::on, s -> s.verify(scope, "wrong", limits));
        assertThat(firstFailure).isEqualTo(Verification.WRONG);
        for (int code = 1; code <= 3; code++) {
            while (store.verify(scope, "wrong", limits) == Verification.WRONG) {
                // the code's other attempts
            }
            sendAfterCooldown(scope, "right-" + (code + 1));
        }
        Observed sixteenth = new Observed(null);
        Verification sixteenthFailure = inRequest(sixteenth::on, s -> s.verify(scope, "wrong", limits));
        assertThat(sixteenthFailure).isEqualTo(Verification.WRONG);
        assertThat(sixteenth.operations.get()).as("operations of the 16th failure, the 1st cost " + first.operations.get())
                .isEqualTo(first.operations.get());
    }

    @Test
    @DisplayName("20 parallel guesses, one right, at 3 attempts per code: at most 3 are compared, the others find no code")
    void attemptIsClaimedBeforeTheComparison() throws Exception {
        VerifyLimits limits = new VerifyLimits(3, 5, 86_400);
        for (int round = 0; round < 3; round++) {
            CodeScope scope = newScope();
            send(scope, "right");
            CyclicBarrier allRead = new CyclicBarrier(20);
            AtomicInteger guesses = new AtomicInteger();
            Consumer<String> awaitOthers = key -> {
                if (key.endsWith(":code:" + scope.sessionId())) {
                    await(allRead);     // every guess holds the code before any goes on
                }
            };
            List<Verification> results = race(20, () -> {
                int guess = guesses.getAndIncrement();
                return inRequest(new Observed(awaitOthers)::on, s -> s.verify(scope, guess == 0 ? "right" : "wrong-" + guess, limits));
            });
            assertThat(results).as("round " + round).filteredOn(v -> v != Verification.NO_CODE).hasSizeLessThanOrEqualTo(3);
            assertThat(store.verify(otherSession(scope), "any", limits))
                    .as("round " + round + ": at most 3 failures counted, 5 lock the number").isEqualTo(Verification.NO_CODE);
        }
    }

    @Test
    @DisplayName("a send cancelled in the request that reserved it, as the authenticator does, leaves no code, cooldown or count")
    void cancelInTheReservingRequest() {
        CodeScope scope = newScope();
        SendLimits limits = new SendLimits(60, 1, 1, 1, 1000);
        inRequest(UnaryOperator.identity(), s -> {
            SendDecision decision = s.reserveSend(scope, "10.0.0.1", limits, "cancelled", TTL);
            assertThat(decision.allowed()).isTrue();
            s.cancelSend(scope, "10.0.0.1", decision);
            return null;
        });
        assertThat(store.verify(scope, "cancelled", attempts(5))).isEqualTo(Verification.NO_CODE);
        assertThat(store.reserveSend(scope, "10.0.0.1", limits, "again", TTL).allowed())
                .as("the cooldown, the number's windows of 1 and the client's window of 1 given back").isTrue();
    }

    @Test
    @DisplayName("60 concurrent sends against a realm limit of 10: exactly 10 are allowed")
    void concurrentSendsFillTheWindowExactly() throws Exception {
        SendLimits limits = new SendLimits(60, 5, 10, 5, 10);
        AtomicInteger clients = new AtomicInteger();
        List<SendDecision> results = race(60, () -> store.reserveSend(newScope(), client(clients.getAndIncrement()), limits, "hash", TTL));
        assertThat(results).filteredOn(SendDecision::allowed).hasSize(10);
        assertThat(results).filteredOn(d -> !d.allowed()).allMatch(d -> d.outcome() == SendDecision.Outcome.REALM_LIMIT);
    }

    private static String client(int i) {
        return "10.1." + i / 256 + "." + i % 256;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (BrokenBarrierException | TimeoutException e) {
            // a guess that never reads the code: the others go on
        }
    }

    /** Counts the cache operations of one request, and lets a test act after each {@code get}. */
    private static final class Observed implements SingleUseObjectProvider {

        final AtomicInteger operations = new AtomicInteger();
        private final Consumer<String> afterGet;
        private SingleUseObjectProvider objects;

        Observed(Consumer<String> afterGet) {
            this.afterGet = afterGet;
        }

        SingleUseObjectProvider on(SingleUseObjectProvider objects) {
            this.objects = objects;
            return this;
        }

        @Override
        public void put(String key, long lifespanSeconds, Map<String, String> notes) {
            operations.incrementAndGet();
            objects.put(key, lifespanSeconds, notes);
        }

        @Override
        public Map<String, String> get(String key) {
            operations.incrementAndGet();
            Map<String, String> notes = objects.get(key);
            if (afterGet != null) {
                afterGet.accept(key);
            }
            return notes;
        }

        @Override
        public Map<String, String> remove(String key) {
            operations.incrementAndGet();
            return objects.remove(key);
        }

        @Override
        public boolean replace(String key, Map<String, String> notes) {
            operations.incrementAndGet();
            return objects.replace(key, notes);
        }

        @Override
        public boolean putIfAbsent(String key, long lifespanInSeconds) {
            operations.incrementAndGet();
            return objects.putIfAbsent(key, lifespanInSeconds);
        }

        @Override
        public boolean contains(String key) {
            operations.incrementAndGet();
            return objects.contains(key);
        }

        @Override
        public void close() {
        }
    }
}
