package dev.smslogin.code.redis;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the code store finds in Redis at start, said in one line: whether Redis answers, and whether the masters have
 * the replicas that {@code min-replicas-ack} waits for. A used code counts as used only once that many replicas hold
 * its deletion ({@code WAIT}); a master with fewer never confirms one, and every right code typed for its numbers is
 * answered "temporarily unavailable". Nothing here stops the start: Redis may be down, or its replicas may come later.
 */
final class RedisStartCheck {

    /** The line to log: a warning, or what was found when all is well. */
    record Finding(boolean warning, String text) {
    }

    private static final String PREFIX = "SMS code store: ";

    private RedisStartCheck() {
    }

    static Finding run(RedisSettings settings, RedisClient client) {
        try {
            RedisPool pool = client.pool();
            return pool.onAnyNode(jedis -> settings.mode() == RedisSettings.Mode.CLUSTER
                    ? cluster(settings.replicasToAck(), jedis.clusterNodes())
                    : master(settings, jedis.info("replication")));
        } catch (JedisDataException e) {
            return new Finding(true, PREFIX + "Redis at " + settings.redactedUrl() + " answered the start check with an error ("
                    + describe(e) + "): if it answers the code store so too, no code can be sent or checked ('temporarily "
                    + "unavailable'). Check the credentials in 'url' and the Redis user's permissions.");
        } catch (JedisException e) {
            return new Finding(true, PREFIX + "Redis at " + settings.redactedUrl() + " did not answer at start ("
                    + describe(e) + "): no code can be sent or checked ('temporarily unavailable') until it does. Keycloak "
                    + "starts anyway, and the code store connects at the first request after Redis answers.");
        }
    }

    /** Standalone, or Sentinel's master: {@code INFO replication} of the server the codes are written to. */
    static Finding master(RedisSettings settings, String replication) {
        Map<String, String> info = fields(replication);
        String what = settings.mode() == RedisSettings.Mode.SENTINEL
                ? "Redis Sentinel master '" + settings.masterName() + "'"
                : "Redis at " + settings.redactedUrl();
        if (!"master".equals(info.get("role"))) {
            return new Finding(true, PREFIX + what + " is a replica (of " + info.get("master_host") + ":" + info.get("master_port")
                    + "), which refuses writes: every code send will be answered 'temporarily unavailable'"
                    + (settings.mode() == RedisSettings.Mode.SENTINEL
                    ? " until Sentinel names a master." : ". Point 'url' at the master, or use redis-sentinel:// to follow it."));
        }
        long online = info.entrySet().stream()
                .filter(e -> e.getKey().matches("slave[0-9]+") && e.getValue().contains("state=online")).count();
        int ack = settings.replicasToAck();
        if (online < ack) {
            return new Finding(true, PREFIX + what + " has " + replicas(online) + " but min-replicas-ack=" + ack + ": every right "
                    + "code will be answered 'temporarily unavailable' (no SMS login can finish) until it has " + replicas(ack)
                    + ". Add " + (ack - online == 1 ? "a replica" : "replicas") + ", or set min-replicas-ack=" + online
                    + " (a failover can then make a used code work once more).");
        }
        return new Finding(false, PREFIX + what + " has " + replicas(online) + ", min-replicas-ack=" + ack);
    }

    /** Redis Cluster: the masters that serve slots, and each one's replicas, from {@code CLUSTER NODES}. */
    static Finding cluster(int ack, String clusterNodes) {
        Map<String, String> masters = new LinkedHashMap<>();   // id -> address
        Map<String, Integer> replicasOf = new LinkedHashMap<>();
        List<String[]> nodes = clusterNodes.lines().filter(l -> !l.isBlank()).map(l -> l.trim().split(" ")).toList();
        for (String[] node : nodes) {
            if (has(node, "master") && !has(node, "fail") && node.length > 8) {
                masters.put(node[0], address(node[1]));
                replicasOf.put(node[0], 0);
            }
        }
        for (String[] node : nodes) {
            if ((has(node, "slave") || has(node, "replica")) && !has(node, "fail") && replicasOf.containsKey(node[3])) {
                replicasOf.merge(node[3], 1, Integer::sum);
            }
        }
        int fewest = replicasOf.values().stream().min(Integer::compare).orElse(0);
        int most = replicasOf.values().stream().max(Integer::compare).orElse(0);
        String found = "Redis Cluster: " + masters.size() + (masters.size() == 1 ? " master" : " masters") + " with "
                + (fewest == most ? replicas(fewest) + (masters.size() == 1 ? "" : " each") : fewest + " to " + replicas(most));
        if (fewest >= ack) {
            return new Finding(false, PREFIX + found + ", min-replicas-ack=" + ack);
        }
        List<String> lacking = new ArrayList<>();
        replicasOf.forEach((id, count) -> {
            if (count < ack) {
                lacking.add(masters.get(id));
            }
        });
        String whose = lacking.size() == masters.size()
                ? "every right code will be answered 'temporarily unavailable' (no SMS login can finish)"
                : "the right codes of the numbers on " + String.join(", ", lacking) + " will be answered 'temporarily unavailable'";
        return new Finding(true, PREFIX + found + " but min-replicas-ack=" + ack + ": " + whose + " until each master has "
                + replicas(ack) + ". Add replicas, or set min-replicas-ack=" + fewest
                + " (a failover can then make a used code work once more).");
    }

    private static boolean has(String[] node, String flag) {
        return node.length > 2 && List.of(node[2].split(",")).contains(flag);
    }

    /** {@code ip:port@cport[,hostname]} as {@code ip:port}. */
    private static String address(String field) {
        int end = field.indexOf('@');
        return end < 0 ? field : field.substring(0, end);
    }

    private static String replicas(long n) {
        return n + (n == 1 ? " replica" : " replicas");
    }

    private static Map<String, String> fields(String info) {
        return info.lines().filter(l -> l.indexOf(':') > 0 && !l.startsWith("#"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).trim(),
                        (a, b) -> b, LinkedHashMap::new));
    }

    /** The failure and its innermost cause, without a stack trace; Jedis' messages hold addresses, never a password. */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root == e && e.getSuppressed().length > 0) {
            root = e.getSuppressed()[0];   // the Cluster's "could not initialize": the first node's failure
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
        }
        String outer = e.getClass().getSimpleName() + ": " + e.getMessage();
        return root == e ? outer : outer + ", " + root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
