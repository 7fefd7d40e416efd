package dev.smslogin.code.redis;

import dev.smslogin.testing.LocalPorts;
import dev.smslogin.testing.TcpProxy;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A real Redis master, one replica and one Sentinel (quorum 1) on loopback ports, as processes of the machine's
 * redis-server. The replica replicates through a {@link TcpProxy}, so a test can cut replication.
 */
final class SentinelCluster implements AutoCloseable {

    static final String MASTER_NAME = "codes";

    final int masterPort;
    final int replicaPort;
    final int sentinelPort;
    final TcpProxy replicationLink;
    private final List<Process> processes = new ArrayList<>();
    private final Path dir;

    SentinelCluster() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("sentinel");
        masterPort = LocalPorts.free();
        replicaPort = LocalPorts.free();
        sentinelPort = LocalPorts.free();
        processes.add(redis(masterPort));
        await("master up", () -> info(masterPort, "server").contains("redis_version"));
        replicationLink = new TcpProxy(masterPort);
        processes.add(redis(replicaPort, "--replicaof", "127.0.0.1", String.valueOf(replicationLink.port())));
        await("replica in sync", () -> info(replicaPort, "replication").contains("master_link_status:up"));
        Path config = dir.resolve("sentinel.conf");
        Files.writeString(config, String.join("\n",
                "port " + sentinelPort,
                "bind 127.0.0.1",
                "dir " + dir,
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 1",
                "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                "sentinel failover-timeout " + MASTER_NAME + " 5000",
                "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
        processes.add(new ProcessBuilder("redis-server", config.toString(), "--sentinel")
                .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start());
        await("sentinel sees the replica", () -> {
            try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPort)) {
                return sentinel.sentinelReplicas(MASTER_NAME).size() == 1;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    String url() {
        return "redis-sentinel://127.0.0.1:" + sentinelPort + "/0?master=" + MASTER_NAME;
    }

    HostAndPort currentMaster() {
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPort)) {
            List<String> master = sentinel.sentinelGetMasterAddrByName(MASTER_NAME);
            return new HostAndPort(master.get(0), Integer.parseInt(master.get(1)));
        }
    }

    /** A planned failover: Sentinel waits for the replica to catch up, then promotes it. */
    void failover() throws InterruptedException {
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPort)) {
            sentinel.sentinelFailover(MASTER_NAME);
        }
        await("replica promoted", () -> currentMaster().getPort() == replicaPort
                && info(replicaPort, "replication").contains("role:master"));
    }

    /** The master dies at once; Sentinel promotes the replica with whatever it had received. */
    void killMaster() throws InterruptedException {
        processes.get(0).destroyForcibly().waitFor();
        await("replica promoted after the master died", () -> currentMaster().getPort() == replicaPort
                && info(replicaPort, "replication").contains("role:master"));
    }

    /** Waits until the current master has {@code n} replicas in sync, as {@code WAIT} needs. */
    void awaitReplicas(int n) throws InterruptedException {
        await(n + " replica(s) of the current master", () -> {
            String replication = info(currentMaster().getPort(), "replication");
            return replication.contains("connected_slaves:" + n) && replication.contains("state=online");
        });
    }

    /** Starts a fresh, empty replica of the current master (after a master was lost). */
    void addReplicaOfCurrentMaster() throws IOException, InterruptedException {
        processes.add(redis(LocalPorts.free(), "--replicaof", "127.0.0.1", String.valueOf(currentMaster().getPort())));
        awaitReplicas(1);
    }

    long dbSize(int port) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.dbSize();
        }
    }

    private Process redis(int port, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--repl-timeout", "60"));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
    }

    private static String info(int port, String section) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.info(section);
        } catch (RuntimeException e) {
            return "";
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
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
        for (Process process : processes) {
            process.destroyForcibly();
        }
    }
}
