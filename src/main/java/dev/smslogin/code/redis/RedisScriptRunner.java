package dev.smslogin.code.redis;

import dev.smslogin.code.CodeStoreUnavailableException;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import javax.net.ssl.SSLHandshakeException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Runs {@link RedisScript}s by their SHA-1 ({@code EVALSHA}), loading a script the server does not know
 * (after a restart or failover) with {@code EVAL}. Every Redis failure becomes a
 * {@link CodeStoreUnavailableException}.
 */
final class RedisScriptRunner {

    private final RedisClient redis;
    private final int replicasToAck;
    private final long timeoutMillis;

    /**
     * @param replicasToAck replicas that must hold a confirmed script's writes (a consumed code's deletion) before it
     *                      counts as done (0: none; with Sentinel or Cluster, 1, so that a failover cannot bring a
     *                      code back)
     */
    RedisScriptRunner(RedisClient redis, int replicasToAck, long timeoutMillis) {
        this.redis = redis;
        this.replicasToAck = replicasToAck;
        this.timeoutMillis = timeoutMillis;
    }

    RedisScriptRunner(RedisPool redis, int replicasToAck, long timeoutMillis) {
        this(RedisClient.of(redis), replicasToAck, timeoutMillis);
    }

    @SuppressWarnings("unchecked")
    <T> List<T> run(RedisScript script, List<String> keys, List<String> args) {
        RedisPool pool = pool();
        return (List<T>) execute(script, () -> evaluate(pool::executeCommand, pool.commands(), script, keys, args));
    }

    void runForEffect(RedisScript script, List<String> keys, List<String> args) {
        RedisPool pool = pool();
        execute(script, () -> evaluate(pool::executeCommand, pool.commands(), script, keys, args));
    }

    long runForLong(RedisScript script, List<String> keys, List<String> args) {
        RedisPool pool = pool();
        return (Long) execute(script, () -> evaluate(pool::executeCommand, pool.commands(), script, keys, args));
    }

    /**
     * Runs {@code script} and, when {@code confirmWhen} accepts its answer, waits ({@code WAIT}) until
     * {@code replicasToAck} replicas hold its writes. Fails closed when they do not within the timeout: a write only
     * the master holds could be lost in a failover. The script and its {@code WAIT} go over one connection, borrowed
     * once: {@code WAIT} confirms only the writes of the connection that sends it.
     */
    long runForLongConfirmed(RedisScript script, List<String> keys, List<String> args, LongPredicate confirmWhen) {
        if (replicasToAck == 0) {
            return runForLong(script, keys, args);
        }
        RedisPool pool = pool();
        CommandObjects commands = pool.commands();
        return (Long) execute(script, () -> pool.onOneConnection(commands.evalsha(script.sha1, keys, args), connection -> {
            long answer = (Long) evaluate(connection::executeCommand, commands, script, keys, args);
            if (confirmWhen.test(answer)) {
                awaitReplicas(connection, commands, keys.get(0));
            }
            return answer;
        }));
    }

    /** The node's pool; made now if Redis did not answer before (Sentinel, Cluster). */
    private RedisPool pool() {
        try {
            return redis.pool();
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    /** @param executor sends a command: over a connection the pool lends for it, or over one borrowed already */
    private static Object evaluate(Function<CommandObject<Object>, Object> executor, CommandObjects commands, RedisScript script,
                                   List<String> keys, List<String> args) {
        try {
            return executor.apply(commands.evalsha(script.sha1, keys, args));
        } catch (JedisNoScriptException e) {
            return executor.apply(commands.eval(script.text, keys, args));
        }
    }

    private void awaitReplicas(Connection connection, CommandObjects commands, String key) {
        long acknowledged = connection.executeCommand(commands.waitReplicas(key, replicasToAck, timeoutMillis));
        if (acknowledged < replicasToAck) {
            throw new CodeStoreUnavailableException("only " + acknowledged + " of " + replicasToAck
                    + " Redis replicas acknowledged a script's writes within " + timeoutMillis + " ms (min-replicas-ack)", null);
        }
    }

    /**
     * After an outage the pool holds connections the network has broken; each fails at once on first use and is
     * dropped. A repeatable script is run again on the next connection (bounded), so the first request after Redis
     * comes back works; a timeout is never repeated, it would hold the request thread twice as long, nor a TLS handshake
     * the client refused. A script a Cluster node redirected (MOVED) did not run, and runs again at the slot's new
     * master.
     */
    private Object execute(RedisScript script, Supplier<Object> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (JedisConnectionException e) {
                if (!script.repeatable || attempt >= MAX_ATTEMPTS || isTimeout(e) || isRefusedHandshake(e)) {
                    throw unavailable(e);
                }
            } catch (JedisMovedDataException e) {
                if (attempt >= MAX_ATTEMPTS) {
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

    /** A TLS handshake the client refused (a certificate not trusted, or for another host): the next is no better. */
    private static boolean isRefusedHandshake(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }

    private static CodeStoreUnavailableException unavailable(JedisException e) {
        return new CodeStoreUnavailableException("Redis is unavailable: " + e.getClass().getSimpleName(), e);
    }
}
