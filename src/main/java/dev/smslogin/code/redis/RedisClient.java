package dev.smslogin.code.redis;

import redis.clients.jedis.exceptions.JedisException;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The node's one Redis client, made when it is first needed. A standalone pool is made without a connection, but the
 * Sentinel and Cluster clients connect as they are made (to ask Sentinel for the master, the Cluster for its slots):
 * when no node answers, making them fails, and is tried again at the next use. So Keycloak starts while Redis is down,
 * and the code store works once Redis answers, without a restart. One request at a time tries; the others meanwhile
 * fail at once, as Redis is down for them too.
 */
final class RedisClient implements AutoCloseable {

    private final Supplier<RedisPool> connect;
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile RedisPool pool;
    private boolean closed;

    RedisClient(Supplier<RedisPool> connect) {
        this.connect = connect;
    }

    /** A client over a pool made already. */
    static RedisClient of(RedisPool pool) {
        RedisClient client = new RedisClient(() -> pool);
        client.pool = pool;
        return client;
    }

    /**
     * The pool, made now if it was not.
     *
     * @throws JedisException when it cannot be made (no node answered), or another request is making it now
     */
    RedisPool pool() {
        RedisPool ready = pool;
        if (ready != null) {
            return ready;
        }
        if (!connecting.tryLock()) {
            throw new JedisException("another request is connecting to Redis");
        }
        try {
            if (closed) {
                throw new JedisException("the Redis client is closed");
            }
            if (pool == null) {
                pool = connect.get();
            }
            return pool;
        } finally {
            connecting.unlock();
        }
    }

    @Override
    public void close() {
        connecting.lock();
        try {
            closed = true;
            if (pool != null) {
                pool.close();
            }
        } finally {
            connecting.unlock();
        }
    }
}
