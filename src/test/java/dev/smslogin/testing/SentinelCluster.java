package dev.smslogin.testing;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A real Redis master, one replica (or none) and one Sentinel (quorum 1) on loopback ports, as processes of the machine's
 * redis-server. The replica replicates through a {@link TcpProxy}, so a test can cut replication. A killed node can
 * be started again on its port; Sentinel then makes it a replica of the current master.
 */
public final class SentinelCluster implements AutoCloseable {

    public static final String MASTER_NAME = "codes";

    public final int masterPort;
    public final int replicaPort;
    public final int sentinelPort;
    public final TcpProxy replicationLink;
    /** The processes by port: Redis servers (a restarted one replaces its killed process) and the Sentinel. */
    private final Map<Integer, Process> servers = new LinkedHashMap<>();
    private final Path dir;
    private final int replicas;

    public SentinelCluster() throws IOException, InterruptedException {
        this(1);
    }

    /** @param replicas 1, or 0: a master that Sentinel monitors alone ({@link #replicaPort} then has no server) */
    public SentinelCluster(int replicas) throws IOException, InterruptedException {
        if (replicas != 0 && replicas != 1) {
            throw new IllegalArgumentException("one replica or none");
        }
        this.replicas = replicas;
        dir = Files.createTempDirectory("sentinel");
        masterPort = LocalPorts.free();
        replicaPort = LocalPorts.free();
        sentinelPort = LocalPorts.free();
        replicationLink = new TcpProxy(masterPort);
        try {
            start();
        } catch (Throwable e) {
            close();  // nothing left running when the deployment could not start
            throw e;
        }
    }

    private void start() throws IOException, InterruptedException {
        redis(masterPort);
        await("master up", () -> info(masterPort, "server").contains("redis_version"));
        if (replicas == 1) {
            redis(replicaPort, "--replicaof", "127.0.0.1", String.valueOf(replicationLink.port()));
            await("replica in sync", () -> info(replicaPort, "replication").contains("master_link_status:up"));
        }
        Path config = dir.resolve("sentinel.conf");
        Files.writeString(config, String.join("\n",
                "port " + sentinelPort,
                "bind 127.0.0.1",
                "dir " + dir,
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 1",
                // not lower: with 1 s, a Sentinel resumed after SIGSTOP on a loaded machine once found the master it had
                // just promoted "down" too and failed over a second time, back to the restarted server, mid-test
                "sentinel down-after-milliseconds " + MASTER_NAME + " 5000",
                "sentinel failover-timeout " + MASTER_NAME + " 5000",
                "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
        servers.put(sentinelPort, new ProcessBuilder("redis-server", config.toString(), "--sentinel")
                .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start());
        await("sentinel sees the master and its replicas", () -> {
            try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPort)) {
                return sentinel.sentinelGetMasterAddrByName(MASTER_NAME) != null
                        && sentinel.sentinelReplicas(MASTER_NAME).size() == replicas;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    public String url() {
        return "redis-sentinel://127.0.0.1:" + sentinelPort + "/0?master=" + MASTER_NAME;
    }

    public HostAndPort currentMaster() {
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPort)) {
            List<String> master = sentinel.sentinelGetMasterAddrByName(MASTER_NAME);
            return new HostAndPort(master.get(0), Integer.parseInt(master.get(1)));
        }
    }

    /** A planned failover: Sentinel waits for the replica to catch up, then promotes it. */
    public void failover() throws InterruptedException {
        int before = currentMaster().getPort();
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPort)) {
            sentinel.sentinelFailover(MASTER_NAME);
        }
        awaitPromotionAwayFrom(before);
    }

    /**
     * The master dies at once (SIGKILL); Sentinel promotes the replica with whatever it had received.
     *
     * @return the port of the killed master
     */
    public int killMaster() throws InterruptedException {
        int killed = currentMaster().getPort();
        servers.get(killed).destroyForcibly().waitFor();
        awaitPromotionAwayFrom(killed);
        return killed;
    }

    /**
     * The master dies (SIGKILL) while the Sentinel is paused (SIGSTOP): nothing takes over until
     * {@link #resumeSentinel}, which holds the moment between a master's death and its replica's promotion.
     *
     * @return the port of the killed master
     */
    public int killMasterWhileSentinelPaused() throws IOException, InterruptedException {
        int killed = currentMaster().getPort();
        LocalPorts.signal(servers.get(sentinelPort), "-STOP");
        servers.get(killed).destroyForcibly().waitFor();
        return killed;
    }

    /** The Sentinel goes on: it finds the master at {@code killed} down and promotes the replica. */
    public void resumeSentinel(int killed) throws IOException, InterruptedException {
        LocalPorts.signal(servers.get(sentinelPort), "-CONT");
        awaitPromotionAwayFrom(killed);
    }

    /**
     * Starts a killed server again on its port, empty, as a replica of the current master, as its configuration file
     * says once Sentinel rewrote it. (Started as a master, the empty server would answer for a moment to clients
     * that had not yet heard of the promotion, with none of the codes: a code typed then read "expired".)
     */
    public void restart(int port) throws IOException, InterruptedException {
        redis(port, "--replicaof", "127.0.0.1", String.valueOf(currentMaster().getPort()));
        awaitReplicas(1);
    }

    /** Waits until the current master has {@code n} replicas in sync, as {@code WAIT} needs. */
    public void awaitReplicas(int n) throws InterruptedException {
        await(n + " replica(s) of the current master", () -> {
            String replication = info(currentMaster().getPort(), "replication");
            return replication.contains("connected_slaves:" + n) && replication.contains("state=online");
        });
    }

    /** Starts a fresh, empty replica of the current master (after a master was lost). */
    public void addReplicaOfCurrentMaster() throws IOException, InterruptedException {
        redis(LocalPorts.free(), "--replicaof", "127.0.0.1", String.valueOf(currentMaster().getPort()));
        awaitReplicas(1);
    }

    public long dbSize(int port) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.dbSize();
        }
    }

    private void awaitPromotionAwayFrom(int oldMaster) throws InterruptedException {
        await("a replica promoted", () -> {
            int master = currentMaster().getPort();
            return master != oldMaster && info(master, "replication").contains("role:master");
        });
    }

    private void redis(int port, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--repl-timeout", "60",
                "--repl-diskless-sync-delay", "0"));  // a replica syncs at once, not after 5 s (as in RedisCluster)
        command.addAll(List.of(extra));
        servers.put(port, new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start());
    }

    static String info(int port, String section) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.info(section);
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Waits (at most 30 s) until {@code condition} holds: for the deployment to settle, not to measure it. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }

    @Override
    public void close() throws IOException {
        replicationLink.close();
        LocalPorts.stopAll(new ArrayList<>(servers.values()));
        LocalPorts.deleteRecursively(dir);
    }
}
