package dev.smslogin.code.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Redis store's server options, checked at start so that a typo stops Keycloak with a clear message.
 * {@code url} takes three forms:
 * <ul>
 *   <li>{@code redis://[user:password@]host:port[/db]}, {@code rediss://...} for TLS: one server;</li>
 *   <li>{@code redis-sentinel://[user:password@]host:port,host:port[/db]?master=name}: Sentinel, which hands
 *       over to the new master on failover ({@code rediss-sentinel://} for TLS);</li>
 *   <li>{@code redis-cluster://[user:password@]host:port,host:port}: Redis Cluster ({@code rediss-cluster://}).</li>
 * </ul>
 * With Sentinel and Cluster, {@code min-replicas-ack} defaults to 1: a replica the deployment may promote must hold a
 * used code's deletion before the login goes on.
 */
record RedisSettings(String url, Mode mode, boolean tls, List<Node> nodes, String user, String password, int database,
                     String masterName, String keyPrefix, int timeoutMillis, int replicasToAck) {

    enum Mode { STANDALONE, SENTINEL, CLUSTER }

    record Node(String host, int port) {
    }

    static RedisSettings from(String url, String keyPrefix, String timeoutMillis) {
        return from(url, keyPrefix, timeoutMillis, null);
    }

    static RedisSettings from(String url, String keyPrefix, String timeoutMillis, String minReplicasAck) {
        String effectiveUrl = blankToDefault(url, RedisSmsCodeStoreFactory.DEFAULT_URL).trim();
        int schemeEnd = effectiveUrl.indexOf("://");
        if (schemeEnd < 0) {
            throw invalid("'url' must start with redis://, rediss://, redis-sentinel:// or redis-cluster://");
        }
        String scheme = effectiveUrl.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        Mode mode;
        switch (scheme) {
            case "redis", "rediss" -> mode = Mode.STANDALONE;
            case "redis-sentinel", "rediss-sentinel" -> mode = Mode.SENTINEL;
            case "redis-cluster", "rediss-cluster" -> mode = Mode.CLUSTER;
            default -> throw invalid("'url' must start with redis://, rediss://, redis-sentinel:// or redis-cluster://");
        }
        boolean tls = scheme.startsWith("rediss");
        String rest = effectiveUrl.substring(schemeEnd + 3);
        String query = null;
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            user = user.isEmpty() ? null : user;
        }
        List<Node> nodes = new ArrayList<>();
        for (String hostPort : rest.split(",")) {
            nodes.add(node(hostPort.trim(), mode == Mode.SENTINEL ? 26379 : 6379));
        }
        if (mode == Mode.STANDALONE && nodes.size() != 1) {
            throw invalid("'url' names several hosts; use redis-sentinel:// or redis-cluster:// for more than one");
        }
        int database = 0;
        if (!path.isEmpty()) {
            if (mode == Mode.CLUSTER) {
                throw invalid("Redis Cluster has only database 0; remove the /db part of 'url'");
            }
            try {
                database = Integer.parseInt(path);
            } catch (NumberFormatException e) {
                throw invalid("'url' must end with a database number, as in redis://host:6379/0");
            }
        }
        String master = parameter(query, "master");
        if (mode == Mode.SENTINEL && master == null) {
            throw invalid("a redis-sentinel:// 'url' needs ?master=<name of the monitored master>");
        }
        int timeout;
        try {
            timeout = Integer.parseInt(blankToDefault(timeoutMillis, String.valueOf(RedisSmsCodeStoreFactory.DEFAULT_TIMEOUT_MS)).trim());
        } catch (NumberFormatException e) {
            throw invalid("'timeout-ms' must be a whole number of milliseconds");
        }
        if (timeout < 10 || timeout > 60_000) {
            throw invalid("'timeout-ms' must be between 10 and 60000");
        }
        // a deployment with failover (Sentinel, Cluster) promotes replicas: a used code's deletion must be on one
        int replicas = mode == Mode.STANDALONE ? 0 : 1;
        if (minReplicasAck != null && !minReplicasAck.isBlank()) {
            try {
                replicas = Integer.parseInt(minReplicasAck.trim());
            } catch (NumberFormatException e) {
                replicas = -1;
            }
            if (replicas < 0 || replicas > 10) {
                throw invalid("'min-replicas-ack' must be a whole number from 0 to 10");
            }
        }
        return new RedisSettings(effectiveUrl, mode, tls, List.copyOf(nodes), user, password, database, master,
                blankToDefault(keyPrefix, RedisSmsCodeStoreFactory.DEFAULT_PREFIX), timeout, replicas);
    }

    /** The URL without its credentials, for logs and Server Info. */
    String redactedUrl() {
        int schemeEnd = url.indexOf("://") + 3;
        int at = url.lastIndexOf('@');
        return at < schemeEnd ? url : url.substring(0, schemeEnd) + "***@" + url.substring(at + 1);
    }

    private static Node node(String hostPort, int defaultPort) {
        if (hostPort.isEmpty()) {
            throw invalid("'url' has an empty host");
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.endsWith("]")) {
            return new Node(hostPort, defaultPort);
        }
        try {
            return new Node(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw invalid("'url' has a port that is not a number: " + hostPort);
        }
    }

    private static String parameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                String value = decode(pair.substring(name.length() + 1));
                return value.isBlank() ? null : value;
            }
        }
        return null;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid(String message) {
        return new IllegalArgumentException("sms-code-store redis: " + message);
    }

    private static String blankToDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
