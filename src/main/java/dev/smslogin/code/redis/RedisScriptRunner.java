package dev.smslogin.code.redis;

import dev.smslogin.code.CodeStoreUnavailableException;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.net.SocketTimeoutException;
import java.util.List;

/**
 * Runs {@link RedisScript}s by their SHA-1 ({@code EVALSHA}), loading a script the server does not know
 * (after a restart or failover) with {@code EVAL}. Every Redis failure becomes a
 * {@link CodeStoreUnavailableException}.
 */
final class RedisScriptRunner {

    private final UnifiedJedis jedis;
    private final int replicasToAck;
    private final long timeoutMillis;

    /**
     * @param replicasToAck replicas that must hold a consumed code's deletion before the code counts as used
     *                      (0: none; with Sentinel, 1, so that a failover cannot bring the code back)
     */
    RedisScriptRunner(UnifiedJedis jedis, int replicasToAck, long timeoutMillis) {
        this.jedis = jedis;
        this.replicasToAck = replicasToAck;
        this.timeoutMillis = timeoutMillis;
    }

    @SuppressWarnings("unchecked")
    <T> List<T> run(RedisScript script, List<String> keys, List<String> args) {
        return (List<T>) execute(script, keys, args);
    }

    void runForEffect(RedisScript script, List<String> keys, List<String> args) {
        execute(script, keys, args);
    }

    long runForLong(RedisScript script, List<String> keys, List<String> args) {
        return (Long) execute(script, keys, args);
    }

    /**
     * Waits ({@code WAIT}) until {@code replicasToAck} replicas hold the writes made so far on {@code key}'s
     * master. Fails closed when they do not within the timeout: a write only the master holds could be lost in a
     * failover.
     */
    void awaitReplication(String key) {
        if (replicasToAck == 0) {
            return;
        }
        long acknowledged;
        try {
            acknowledged = jedis.waitReplicas(key, replicasToAck, timeoutMillis);
        } catch (JedisException e) {
            throw unavailable(e);
        }
        if (acknowledged < replicasToAck) {
            throw new CodeStoreUnavailableException("only " + acknowledged + " of " + replicasToAck
                    + " Redis replicas acknowledged a consumed code within " + timeoutMillis + " ms", null);
        }
    }

    /**
     * After an outage the pool holds connections the network has broken; each fails at once on first use and is
     * dropped. A repeatable script is run again on the next connection (bounded), so the first request after Redis
     * comes back works; a timeout is never repeated, it would hold the request thread twice as long.
     */
    private Object execute(RedisScript script, List<String> keys, List<String> args) {
        for (int attempt = 1; ; attempt++) {
            try {
                try {
                    return jedis.evalsha(script.sha1, keys, args);
                } catch (JedisNoScriptException e) {
                    return jedis.eval(script.text, keys, args);
                }
            } catch (JedisConnectionException e) {
                if (!script.repeatable || attempt >= MAX_ATTEMPTS || isTimeout(e)) {
                    throw unavailable(e);
                }
            } catch (JedisException e) {
                throw unavailable(e);
            }
        }
    }

    private static final int MAX_ATTEMPTS = 20;

    private static boolean isTimeout(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static CodeStoreUnavailableException unavailable(JedisException e) {
        return new CodeStoreUnavailableException("Redis is unavailable: " + e.getClass().getSimpleName(), e);
    }
}
