package dev.smslogin.code.redis;

import dev.smslogin.code.CodeStoreUnavailableException;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.util.List;

/**
 * Runs {@link RedisScript}s by their SHA-1 ({@code EVALSHA}), loading a script the server does not know
 * (after a restart or failover) with {@code EVAL}. Every Redis failure becomes a
 * {@link CodeStoreUnavailableException}.
 */
final class RedisScriptRunner {

    private final UnifiedJedis jedis;

    RedisScriptRunner(UnifiedJedis jedis) {
        this.jedis = jedis;
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

    String hget(String key, String field) {
        try {
            return jedis.hget(key, field);
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    private Object execute(RedisScript script, List<String> keys, List<String> args) {
        try {
            try {
                return jedis.evalsha(script.sha1, keys, args);
            } catch (JedisNoScriptException e) {
                return jedis.eval(script.text, keys, args);
            }
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    private static CodeStoreUnavailableException unavailable(JedisException e) {
        return new CodeStoreUnavailableException("Redis is unavailable: " + e.getClass().getSimpleName(), e);
    }
}
