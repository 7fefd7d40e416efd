package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.SendDecision;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.TestScopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Not a test: measures the Redis memory of one realm at its ceiling ({@code maxSendsPerRealmPerHour} 1 000 000), for
 * docs/operations.md, "Redis memory". It writes the realm's window as the last 59 minutes at the ceiling left it (59
 * one-minute buckets holding 1 000 000 sends less those it is about to make: a run takes minutes, not an hour), then
 * sends {@code measure.sends} codes (default 100 000) through the store, each to a number and from a client of its
 * own, and prints {@code MEMORY USAGE} of the realm's window, of one client's windows and of one number's keys, and
 * {@code INFO memory} before and after; then deletes what it wrote. Runs only when asked:
 *
 * <pre>mvn -B -q test -Dtest=SendWindowMemoryMeasurement -Dmeasure.memory=true [-Dmeasure.sends=100000]</pre>
 */
@EnabledIfSystemProperty(named = "measure.memory", matches = "true")
class SendWindowMemoryMeasurement {

    private static final String PREFIX = "measure-" + UUID.randomUUID() + ":";
    private static final SendLimits CEILING = new SendLimits(60, 5, 10, 20, 1_000_000);

    @Test
    void realmAtItsCeiling() throws Exception {
        int sends = Integer.getInteger("measure.sends", 100_000);
        int threads = Integer.getInteger("measure.threads", 8);
        String realm = "realm-" + UUID.randomUUID();
        RedisKeys keys = new RedisKeys(PREFIX);
        try (RedisPool pool = RedisSmsCodeStoreFactory.connect(RedisSettings.from(RedisSmsCodeStoreTest.URL, PREFIX, "5000"));
             Jedis direct = new Jedis(URI.create(RedisSmsCodeStoreTest.URL))) {
            RedisSmsCodeStore store = new RedisSmsCodeStore(new RedisScriptRunner(pool, 0, 5000), keys);
            long memoryBefore = usedMemory(direct);
            seedLastHour(pool, keys.realmSends(realm), 1_000_000 - sends);
            long keysBefore = direct.dbSize();
            AtomicLong next = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            long started = System.nanoTime();
            ExecutorService workers = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(workers.submit(() -> {
                    for (long i = next.getAndIncrement(); i < sends; i = next.getAndIncrement()) {
                        SendDecision decision = store.reserveSend(scope(realm, i), client(i), CEILING, "hash-" + i, Duration.ofMinutes(5));
                        if (!decision.allowed()) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            workers.shutdown();
            double seconds = (System.nanoTime() - started) / 1e9;
            long memoryAfter = usedMemory(direct);
            long keysAfter = direct.dbSize();
            long last = sends - 1;
            CodeScope lastScope = scope(realm, last);
            System.out.printf("%n=== %d sends (%d refused) in %.1f s, %.0f sends/s, %d threads%n", sends, refused.get(), seconds,
                    sends / seconds, threads);
            System.out.printf("INFO memory used_memory: before %d, after %d, delta %d bytes = %.1f bytes per send; keys +%d%n",
                    memoryBefore, memoryAfter, memoryAfter - memoryBefore, (memoryAfter - memoryBefore) / (double) sends,
                    keysAfter - keysBefore);
            report(pool, "realm window", keys.realmSends(realm));
            System.out.printf("realm window: %d buckets holding %d sends%n", pool.hlen(keys.realmSends(realm)),
                    pool.hvals(keys.realmSends(realm)).stream().mapToLong(v -> Long.parseLong(v.split(" ")[0])).sum());
            report(pool, "one client's requests", keys.clientRequests(realm, client(last)));
            report(pool, "one client's sends", keys.clientSends(realm, client(last)));
            report(pool, "one number's cooldown", keys.cooldown(lastScope));
            report(pool, "one number's sends", keys.phoneSends(lastScope));
            report(pool, "one number's code", keys.code(lastScope));
            assertThat(refused.get()).isZero();
        } finally {
            deleteAll();
        }
    }

    /** The realm's window as {@code seeded} sends over the last 59 minutes left it, in RedisScript's buckets. */
    private static void seedLastHour(RedisPool pool, String window, int seeded) {
        long now = (Long) pool.eval("local t = redis.call('TIME') return t[1] * 1000 + math.floor(t[2] / 1000)");
        Map<String, String> buckets = new HashMap<>();
        for (int minute = 1; minute <= 59; minute++) {
            long newest = now - minute * 60_000L;
            int count = seeded / 59 + (minute <= seeded % 59 ? 1 : 0);
            buckets.put("h" + newest / 60_000, count + " " + newest);
        }
        pool.hset(window, buckets);
        pool.pexpire(window, 3_600_000);
    }

    private static CodeScope scope(String realm, long i) {
        return TestScopes.scope(realm, "+86139" + String.format("%08d", i), "session-" + i);
    }

    /** A client of its own per send: 10.x.y.z. */
    private static String client(long i) {
        return "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255);
    }

    private static void report(RedisPool pool, String what, String key) {
        Long bytes = pool.memoryUsage(key, 0);
        System.out.printf("MEMORY USAGE %-24s %10d bytes (%s, %s)%n", what, bytes == null ? 0 : bytes, pool.type(key),
                pool.objectEncoding(key));
    }

    private static long usedMemory(Jedis direct) {
        for (String line : direct.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("no used_memory in INFO memory");
    }

    private static void deleteAll() {
        try (Jedis direct = new Jedis(URI.create(RedisSmsCodeStoreTest.URL))) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = direct.scan(cursor, new ScanParams().match(PREFIX + "*").count(10_000));
                if (!page.getResult().isEmpty()) {
                    direct.unlink(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }
}
