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
     * KEYS: cooldown, phone sends (sorted set), code, and for a stricter flow its own cooldown and phone sends. ARGV:
     * cooldown ms, max per hour, max per day, member, code hash, code ttl ms, and for the flow its cooldown ms, max
     * per hour, max per day. Returns {0, 0} when allowed (the send counted, the cooldowns started, the code stored
     * under the member), {1, ms} in a cooldown, {2, ms} over a phone limit. A cooldown holds the member, so that
     * only this send's cancel ends it.
     */
    RESERVE_PHONE(false, Lua.NOW_MS + """
            local hour, day = 3600000, 86400000
            local flow = #KEYS == 5
            local function cooling(key)
              local left = redis.call('PTTL', key)
              if left > 0 then return left end
              return nil
            end
            local function full(key, perHour, perDay)
              redis.call('ZREMRANGEBYSCORE', key, '-inf', now - day)
              local inDay = redis.call('ZCARD', key)
              if inDay >= perDay then
                local expiring = redis.call('ZRANGE', key, inDay - perDay, inDay - perDay, 'WITHSCORES')
                return tonumber(expiring[2]) + day - now
              end
              local inHour = redis.call('ZRANGEBYSCORE', key, now - hour, '+inf', 'WITHSCORES')
              if #inHour / 2 >= perHour then
                return tonumber(inHour[#inHour - 2 * perHour + 2]) + hour - now
              end
              return nil
            end
            local wait = cooling(KEYS[1]) or (flow and cooling(KEYS[4]))
            if wait then return {1, wait} end
            wait = full(KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3]))
              or (flow and full(KEYS[5], tonumber(ARGV[8]), tonumber(ARGV[9])))
            if wait then return {2, wait} end
            local function start(cooldown, sends, cooldownMs)
              redis.call('ZADD', sends, now, ARGV[4])
              redis.call('PEXPIRE', sends, day)
              redis.call('SET', cooldown, ARGV[4], 'PX', cooldownMs)
            end
            start(KEYS[1], KEYS[2], ARGV[1])
            if flow then start(KEYS[4], KEYS[5], ARGV[7]) end
            redis.call('HSET', KEYS[3], 'h', ARGV[5], 'a', 0, 'r', ARGV[4])
            redis.call('PEXPIRE', KEYS[3], ARGV[6])
            return {0, 0}
            """),

    /**
     * KEYS: the client's requests, the client's sends, the realm's sends, and for a stricter flow its own client
     * and realm sends (sorted sets sharing the realm's hash tag). ARGV: max requests per client per hour, max sends
     * per client per hour, max per realm per hour, member, and for the flow its max per client and per realm. The
     * request is counted first and is never given back; a request over its limit is not counted. Returns {0, 0},
     * {3, ms} over a client limit, {4, ms} over a realm limit.
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
            local function count(key)
              redis.call('ZADD', key, now, ARGV[4])
              redis.call('PEXPIRE', key, hour)
            end
            local wait = over(KEYS[1], tonumber(ARGV[1]))
            if wait then return {3, wait} end
            count(KEYS[1])
            local windows = {{2, 2, 3}, {3, 3, 4}, {4, 5, 3}, {5, 6, 4}}
            for _, w in ipairs(windows) do
              if KEYS[w[1]] then
                wait = over(KEYS[w[1]], tonumber(ARGV[w[2]]))
                if wait then return {w[3], wait} end
              end
            end
            for i = 2, #KEYS do count(KEYS[i]) end
            return {0, 0}
            """),

    /**
     * KEYS: cooldown, phone sends, code, and for a stricter flow its cooldown and phone sends. ARGV: member. Undoes
     * RESERVE_PHONE for a send the provider refused: the cooldowns and the code go only while they are still this
     * send's, not a later send's.
     */
    CANCEL_PHONE(false, """
            for _, i in ipairs({1, 4}) do
              if KEYS[i] and redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
            end
            for _, i in ipairs({2, 5}) do
              if KEYS[i] then redis.call('ZREM', KEYS[i], ARGV[1]) end
            end
            if redis.call('HGET', KEYS[3], 'r') == ARGV[1] then redis.call('DEL', KEYS[3]) end
            return 1
            """),

    /** KEYS: sorted sets of sends in one slot. ARGV: member. Gives back a counted send. */
    REMOVE_MEMBER(true, """
            for _, key in ipairs(KEYS) do redis.call('ZREM', key, ARGV[1]) end
            return 1
            """),

    /**
     * KEYS: code, the number's failures. ARGV: the candidate hash, max attempts per code, failure lock ms, max
     * consecutive failures of the number. Returns 0 when the candidate is the code (deleted, with the number's
     * failures), 1 when it is not (an attempt and a failure counted), 2 when that attempt burned the code, 3 when
     * there is no code, 4 when the number is locked. Both hashes are keyed ({@code CodeHasher}): how long the
     * comparison takes says nothing of the code.
     */
    VERIFY_CODE(true, """
            if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[4]) then return 4 end
            local stored = redis.call('HGET', KEYS[1], 'h')
            if not stored then return 3 end
            if stored == ARGV[1] then
              redis.call('DEL', KEYS[1], KEYS[2])
              return 0
            end
            redis.call('INCR', KEYS[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            if redis.call('HINCRBY', KEYS[1], 'a', 1) >= tonumber(ARGV[2]) then
              redis.call('DEL', KEYS[1])
              return 2
            end
            return 1
            """);

    /**
     * Safe to run again on a fresh connection when the first one failed: a second run has the effect of one, or
     * (VERIFY_CODE) can only refuse what one run would have accepted (the code consumed, or one attempt more
     * counted), never accept more.
     */
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
