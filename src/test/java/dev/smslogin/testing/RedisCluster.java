package dev.smslogin.testing;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.smslogin.testing.SentinelCluster.await;

/**
 * A real Redis Cluster on loopback: masters with replicas, each a process of the machine's redis-server in cluster
 * mode ({@code cluster-node-timeout} 1000 ms), joined by {@code redis-cli --cluster create}. Tests can kill a node
 * (SIGKILL), pause and resume one (SIGSTOP, SIGCONT), and hold a replica back from taking over.
 */
public final class RedisCluster implements AutoCloseable {

    private final Path dir;
    private final Map<Integer, Process> nodes = new LinkedHashMap<>();
    private final Set<Integer> paused = new HashSet<>();

    public RedisCluster(int masters, int replicasPerMaster) throws IOException, InterruptedException {
        dir = Files.createTempDirectory("redis-cluster");
        try {
            start(masters, replicasPerMaster);
        } catch (Throwable e) {
            close();  // nothing left running when the cluster could not form
            throw e;
        }
    }

    private void start(int masters, int replicasPerMaster) throws IOException, InterruptedException {
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
            int port = LocalPorts.free();
            nodes.put(port, new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-port", String.valueOf(LocalPorts.free()),
                    "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "1000",
                    "--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start());
            create.add("127.0.0.1:" + port);
        }
        for (int port : nodes.keySet()) {
            await("node " + port + " up", () -> SentinelCluster.info(port, "server").contains("redis_version"));
        }
        create.addAll(List.of("--cluster-replicas", String.valueOf(replicasPerMaster), "--cluster-yes"));
        Process cli = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(dir.resolve("create.log").toFile()).start();
        if (cli.waitFor() != 0) {
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + Files.readString(dir.resolve("create.log")));
        }
        await("every node sees the whole cluster, every master " + replicasPerMaster + " replica(s) in sync", () ->
                nodes.keySet().stream().allMatch(RedisCluster::clusterOk)
                        && masters().size() == masters
                        && masters().stream().allMatch(master -> onlineReplicas(master) == replicasPerMaster));
    }

    /** The URL Keycloak is given: a few nodes to start from, as an operator would list them. */
    public String url() {
        return "redis-cluster://" + nodes.keySet().stream().limit(3).map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** The ports of the live masters serving slots, as the node at the first live port sees them. */
    public List<Integer> masters() {
        return clusterNodes().stream().filter(n -> n.flags().contains("master") && !n.flags().contains("fail") && !n.slots().isEmpty())
                .map(Node::port).toList();
    }

    /** The port of the master serving {@code key}'s slot, as every live node agrees; -1 while they do not. */
    public int masterOf(String key) {
        long slot;
        try (Jedis jedis = new Jedis("127.0.0.1", live().get(0))) {
            slot = jedis.clusterKeySlot(key);
        }
        List<Integer> views = live().stream().map(port -> masterOfSlot(port, slot)).distinct().toList();
        return views.size() == 1 ? views.get(0) : -1;
    }

    /** The replicas of the master at {@code masterPort} (those the cluster does not consider failed). */
    public List<Integer> replicasOf(int masterPort) {
        List<Node> all = clusterNodes();
        String masterId = all.stream().filter(n -> n.port() == masterPort).findFirst().orElseThrow().id();
        return all.stream().filter(n -> masterId.equals(n.masterId()) && !n.flags().contains("fail")).map(Node::port).toList();
    }

    public int onlineReplicas(int masterPort) {
        String replication = SentinelCluster.info(masterPort, "replication");
        return replication.split("state=online", -1).length - 1;
    }

    /** Whether the node at {@code port} (a master or a replica) holds {@code key}. */
    public boolean holds(int port, String key) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.readonly();
            return jedis.exists(key);
        }
    }

    /** The keys matching {@code pattern} on every live master. */
    public List<String> keys(String pattern) {
        List<String> keys = new ArrayList<>();
        for (int master : masters()) {
            try (Jedis jedis = new Jedis("127.0.0.1", master)) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(pattern).count(1000));
                    keys.addAll(page.getResult());
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
        return keys;
    }

    /** {@code cluster-replica-no-failover}: a replica that may not take over stays a replica when its master fails. */
    public void mayTakeOver(int replicaPort, boolean allowed) {
        try (Jedis jedis = new Jedis("127.0.0.1", replicaPort)) {
            jedis.configSet("cluster-replica-no-failover", allowed ? "no" : "yes");
        }
    }

    public void kill(int port) throws InterruptedException {
        nodes.get(port).destroyForcibly().waitFor();
    }

    /** SIGSTOP: the node keeps its connections but answers nothing, as a hung or unreachable server. */
    public void pause(int port) throws IOException, InterruptedException {
        LocalPorts.signal(nodes.get(port), "-STOP");
        paused.add(port);
    }

    public void resume(int port) throws IOException, InterruptedException {
        LocalPorts.signal(nodes.get(port), "-CONT");
        paused.remove(port);
    }

    /** CLUSTER INFO: the node serves every slot. */
    public static boolean clusterOk(int port) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.clusterInfo().contains("cluster_state:ok");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The nodes that answer: neither killed nor paused. */
    private List<Integer> live() {
        return nodes.entrySet().stream().filter(e -> e.getValue().isAlive() && !paused.contains(e.getKey()))
                .map(Map.Entry::getKey).toList();
    }

    private record Node(String id, int port, String flags, String masterId, List<String> slots) {
        static Node parse(String line) {
            String[] f = line.split(" ");
            String address = f[1];
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1, address.indexOf('@')));
            return new Node(f[0], port, f[2], f[3], List.of(f).subList(8, f.length));
        }

        boolean serves(long slot) {
            for (String range : slots) {
                if (range.startsWith("[")) {
                    continue;  // a slot being migrated
                }
                String[] ends = range.split("-");
                long from = Long.parseLong(ends[0]);
                long to = Long.parseLong(ends[ends.length - 1]);
                if (slot >= from && slot <= to) {
                    return true;
                }
            }
            return false;
        }
    }

    private List<Node> clusterNodes() {
        return clusterNodes(live().get(0));
    }

    private static List<Node> clusterNodes(int port) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.clusterNodes().lines().filter(l -> !l.isBlank()).map(Node::parse).toList();
        }
    }

    private static int masterOfSlot(int port, long slot) {
        return clusterNodes(port).stream().filter(n -> n.flags().contains("master") && !n.flags().contains("fail") && n.serves(slot))
                .map(Node::port).findFirst().orElse(-1);
    }

    @Override
    public void close() throws IOException {
        LocalPorts.stopAll(new ArrayList<>(nodes.values()));
        LocalPorts.deleteRecursively(dir);
    }
}
