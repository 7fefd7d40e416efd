package dev.smslogin.code.redis;

import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.ConnectionProvider;

import java.time.Duration;
import java.util.function.Function;

/**
 * The node's Redis client: a {@link UnifiedJedis} over a connection pool (standalone, Sentinel or Cluster) that each
 * command borrows from, and that also lends one connection for several commands that must share it ({@code WAIT}
 * confirms only the writes of the connection that sends it).
 */
final class RedisPool extends UnifiedJedis {

    /*
     * The protocol is the client config's, as JedisPooled, JedisSentineled and JedisCluster pass it: UnifiedJedis'
     * public constructors instead connect at once to learn it, and the pool is to connect lazily.
     */

    /** Standalone or Sentinel: one pool, of the (current) master. */
    RedisPool(ConnectionProvider pool, JedisClientConfig config) {
        super(pool, config.getRedisProtocol());
    }

    /**
     * Cluster: a pool per master, each command going to the master of its keys' slot (following redirections, as
     * {@code JedisCluster} does: at most {@code maxAttempts} tries within that many socket timeouts).
     */
    RedisPool(ClusterConnectionProvider pools, int maxAttempts, JedisClientConfig config) {
        super(pools, maxAttempts, Duration.ofMillis((long) config.getSocketTimeoutMillis() * maxAttempts), config.getRedisProtocol());
    }

    /** The commands of this deployment (in a Cluster, they know the slot of their keys). */
    CommandObjects commands() {
        return commandObjects;
    }

    /**
     * Runs {@code work} on one connection, borrowed once, to the master that serves {@code command}'s keys. In a
     * Cluster, the map of slots is renewed and the failure thrown on, for the caller to try again, when the slot has
     * another master (MOVED: the command did not run), and when the connection failed: the master may be lost and a
     * replica have taken over its slots, which only a renewed map knows (nothing else renews it for these commands).
     */
    <T> T onOneConnection(CommandObject<?> command, Function<Connection, T> work) {
        try (Connection connection = provider.getConnection(command.getArguments())) {
            try {
                return work.apply(connection);
            } catch (JedisMovedDataException e) {
                if (provider instanceof ClusterConnectionProvider cluster) {
                    cluster.renewSlotCache(connection);
                }
                throw e;
            }
        } catch (JedisConnectionException e) {
            if (provider instanceof ClusterConnectionProvider cluster) {
                try {
                    cluster.renewSlotCache();
                } catch (RuntimeException renewal) {
                    e.addSuppressed(renewal);  // no node answered: the next try renews again
                }
            }
            throw e;
        }
    }

    /** Runs {@code work} on a connection to the master (standalone, Sentinel), or to a node that answers (Cluster). */
    <T> T onAnyNode(Function<Jedis, T> work) {
        try (Connection connection = provider.getConnection()) {
            return work.apply(new Jedis(connection));
        }
    }
}
