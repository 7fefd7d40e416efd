package dev.smslogin.code.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts that make each store operation one atomic round trip. Times come from the Redis server's
 * clock ({@code TIME}), so Keycloak nodes with skewed clocks agree on windows and cooldowns.
 */
enum RedisScript {

    /**
     * KEYS: cooldown, phone sends (sorted set), code. ARGV: cooldown ms, max per hour, max per day, member.
     * Returns {0, 0} when allowed, {1, ms} in cooldown, {2, ms} over a phone limit.
     */
    RESERVE_PHONE(false, Lua.NOW_MS + """
            local cooldown = redis.call('PTTL', KEYS[1])
            if cooldown > 0 then return {1, cooldown} end
            local hour, day = 3600000, 86400000
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - day)
            local inDay = redis.call('ZCARD', KEYS[2])
            if inDay >= tonumber(ARGV[3]) then
              local index = inDay - tonumber(ARGV[3])
              local expiring = redis.call('ZRANGE', KEYS[2], index, index, 'WITHSCORES')
              return {2, tonumber(expiring[2]) + day - now}
            end
            local inHour = redis.call('ZRANGEBYSCORE', KEYS[2], now - hour, '+inf', 'WITHSCORES')
            if #inHour / 2 >= tonumber(ARGV[2]) then
              return {2, tonumber(inHour[#inHour - 2 * tonumber(ARGV[2]) + 2]) + hour - now}
            end
            redis.call('ZADD', KEYS[2], now, ARGV[4])
            redis.call('PEXPIRE', KEYS[2], day)
            redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
            redis.call('DEL', KEYS[3])
            return {0, 0}
            """),

    /**
     * KEYS: the client IP's sends, the realm's sends (sorted sets sharing the realm's hash tag). ARGV: max per IP
     * per hour, max per realm per hour, member. Returns {0, 0}, {3, ms} over the IP limit, {4, ms} over the realm's.
     */
    RESERVE_CLIENT(true, Lua.NOW_MS + """
            local hour = 3600000
            local function over(key, limit)
              redis.call('ZREMRANGEBYSCORE', key, '-inf', now - hour)
              local count = redis.call('ZCARD', key)
              if count >= limit then
                local index = count - limit
                local expiring = redis.call('ZRANGE', key, index, index, 'WITHSCORES')
                return tonumber(expiring[2]) + hour - now
              end
              return nil
            end
            local wait = over(KEYS[1], tonumber(ARGV[1]))
            if wait then return {3, wait} end
            wait = over(KEYS[2], tonumber(ARGV[2]))
            if wait then return {4, wait} end
            for _, key in ipairs(KEYS) do
              redis.call('ZADD', key, now, ARGV[3])
              redis.call('PEXPIRE', key, hour)
            end
            return {0, 0}
            """),

    /** KEYS: cooldown, phone sends. ARGV: member. Undoes RESERVE_PHONE for a send that failed. */
    CANCEL_PHONE(false, """
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return 1
            """),

    /** KEYS: sorted sets of sends in one slot. ARGV: member. Gives back a counted send. */
    REMOVE_MEMBER(true, """
            for _, key in ipairs(KEYS) do redis.call('ZREM', key, ARGV[1]) end
            return 1
            """),

    /** KEYS: code, the number's failures. Returns {stored hash or false, consecutive failures}. */
    READ_CODE(true, """
            return {redis.call('HGET', KEYS[1], 'h'), tonumber(redis.call('GET', KEYS[2]) or '0')}
            """),

    /** KEYS: code. ARGV: hash, ttl ms. */
    SAVE_CODE(true, """
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'h', ARGV[1], 'a', 0)
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """),

    /**
     * KEYS: code, the number's failures. ARGV: the hash the caller saw match. Deletes the code only if it is still
     * that one, and then resets the number's failures.
     */
    CONSUME_CODE(false, """
            if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then
              redis.call('DEL', KEYS[1], KEYS[2])
              return 1
            end
            return 0
            """),

    /**
     * KEYS: code, the number's failures. ARGV: max attempts, failure lock ms. Counts a wrong attempt on an
     * existing code and a failure of the number. Returns -1 when there is no code, 0 when this attempt burned
     * it, otherwise the attempts left.
     */
    FAIL_ATTEMPT(false, """
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            redis.call('INCR', KEYS[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            local attempts = redis.call('HINCRBY', KEYS[1], 'a', 1)
            local left = tonumber(ARGV[1]) - attempts
            if left <= 0 then
              redis.call('DEL', KEYS[1])
              return 0
            end
            return left
            """);

    /** Running it twice has the effect of running it once: safe to repeat on a fresh connection. */
    final boolean repeatable;
    final String text;
    final String sha1;

    RedisScript(boolean repeatable, String text) {
        this.repeatable = repeatable;
        this.text = text;
        this.sha1 = Lua.sha1(text);
    }

    private static final class Lua {
        static final String NOW_MS = """
                local t = redis.call('TIME')
                local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
                """;

        static String sha1(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
