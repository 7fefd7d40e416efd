package dev.smslogin.it;

import org.keycloak.admin.client.Keycloak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;

import static dev.smslogin.it.AdminSteps.createUser;
import static dev.smslogin.it.AdminSteps.password;

/** What the benchmarks share: their people, their realm's clients and users, and reading Keycloak's CPU time. */
final class BenchmarkKit {

    static final String PASSWORD = "bench-Password-1";

    private BenchmarkKit() {
    }

    /**
     * A fresh browser (no SSO cookie) of a person at their own address: Keycloak runs behind a proxy in the benchmarks
     * ({@code --proxy-headers=xforwarded}, set by bench.sh), so the per-IP send limit applies per person, as it does
     * in production, and not to the whole benchmark.
     */
    static Browser personalBrowser(KeycloakServer server) {
        return new Browser(server).withHeader("X-Forwarded-For", personalAddress());
    }

    /** A simulated person's address (X-Forwarded-For), as the per-IP send limit expects. */
    static String personalAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    /** A user who logs in with {@link #PASSWORD}. */
    static void createPasswordUser(Keycloak admin, String realm, String username) {
        String id = createUser(admin.realm(realm), username, Map.of());
        admin.realm(realm).users().get(id).resetPassword(password(PASSWORD));
    }

    /** Runs {@code task} for 0..count-1 on {@code threads} threads. */
    static void inParallel(int threads, int count, IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                tasks.add(pool.submit(() -> task.accept(index)));
            }
            for (Future<?> done : tasks) {
                done.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** CPU time of a process (Keycloak's JVM), in clock ticks (1/100 s). */
    static long cpuTicks(long pid) throws IOException {
        return cpuTicksOf(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    /** utime + stime of a process or thread {@code stat} line, in clock ticks (1/100 s). */
    static long cpuTicksOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The CPUs Keycloak runs on: those bench.sh gave it ({@code keycloak.cpus}), or all of the machine's. */
    static int keycloakCpuCount() {
        String cpuList = System.getProperty("keycloak.cpus", "").strip();
        if (cpuList.isEmpty()) {
            return Runtime.getRuntime().availableProcessors();
        }
        int count = 0;
        for (String part : cpuList.split(",")) {
            String[] range = part.trim().split("-");
            count += range.length == 1 ? 1 : Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        }
        return count;
    }
}
