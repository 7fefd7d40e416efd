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
     * KEYS: cooldown, phone sends (a {@linkplain Lua#WINDOWS window} hash: hour and day), code, and for a stricter
     * flow its own cooldown and phone sends. ARGV: cooldown ms, max per hour, max per day, member, code hash, code
     * ttl ms, and for the flow its cooldown ms, max per hour, max per day. Returns {0, 0, now} when allowed (the send
     * counted at {@code now}, the server's ms, the cooldowns started, the code stored under the member), {1, ms} in a
     * cooldown, {2, ms} over a phone limit (the day's first, then the hour's). A cooldown holds the member, so that
     * only this send's cancel ends it.
     */
    RESERVE_PHONE(false, Lua.WINDOWS + """
            local flow = #KEYS == 5
            local function cooling(key)
              local left = redis.call('PTTL', key)
              if left > 0 then return left end
              return nil
            end
            local function full(key, perHour, perDay)
              return wait(key, 'd', day, perDay) or wait(key, 'h', hour, perHour)
            end
            local ms = cooling(KEYS[1]) or (flow and cooling(KEYS[4]))
            if ms then return {1, ms} end
            ms = full(KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3]))
              or (flow and full(KEYS[5], tonumber(ARGV[8]), tonumber(ARGV[9])))
            if ms then return {2, ms} end
            local function start(cooldown, sends, cooldownMs)
              count(sends, 'h', hour)
              count(sends, 'd', day)
              redis.call('SET', cooldown, ARGV[4], 'PX', cooldownMs)
            end
            start(KEYS[1], KEYS[2], ARGV[1])
            if flow then start(KEYS[4], KEYS[5], ARGV[7]) end
            redis.call('HSET', KEYS[3], 'h', ARGV[5], 'a', 0, 'r', ARGV[4])
            redis.call('PEXPIRE', KEYS[3], ARGV[6])
            return {0, 0, now}
            """),

    /**
     * KEYS: the client's requests, then the send windows: the client's sends, the realm's, the realm's to the number's
     * region, and for a stricter flow its own client, realm and region sends (hourly {@linkplain Lua#WINDOWS windows}
     * sharing the realm's hash tag). ARGV: the max of each window, in the order of KEYS. The request is counted first
     * and is never given back; a request over its limit is not counted. Returns {0, 0, now} when allowed (the send
     * counted at {@code now}, the server's ms, in every send window), else {i, ms}: the window KEYS[i] is full, and
     * the time until it has room.
     */
    RESERVE_CLIENT(true, Lua.WINDOWS + """
            local function over(i)
              return wait(KEYS[i], 'h', hour, tonumber(ARGV[i]))
            end
            local ms = over(1)
            if ms then return {1, ms} end
            count(KEYS[1], 'h', hour)
            for i = 2, #KEYS do
              ms = over(i)
              if ms then return {i, ms} end
            end
            for i = 2, #KEYS do count(KEYS[i], 'h', hour) end
            return {0, 0, now}
            """),

    /**
     * KEYS: cooldown, phone sends, code, and for a stricter flow its cooldown and phone sends. ARGV: member, the
     * send's time (RESERVE_PHONE's {@code now}). Undoes RESERVE_PHONE for a send the provider refused: the send
     * leaves the buckets it was counted in; the cooldowns and the code go only while they are still this send's, not
     * a later send's.
     */
    CANCEL_PHONE(false, Lua.WINDOWS + """
            for _, i in ipairs({1, 4}) do
              if KEYS[i] and redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
            end
            for _, i in ipairs({2, 5}) do
              if KEYS[i] then
                giveBack(KEYS[i], 'h', hour, tonumber(ARGV[2]))
                giveBack(KEYS[i], 'd', day, tonumber(ARGV[2]))
              end
            end
            if redis.call('HGET', KEYS[3], 'r') == ARGV[1] then redis.call('DEL', KEYS[3]) end
            return 1
            """),

    /**
     * KEYS: hourly windows of sends in one slot. ARGV: the send's time (RESERVE_CLIENT's {@code now}). Gives back a
     * counted send. Not repeatable: a second run would give back a second send.
     */
    GIVE_BACK(false, Lua.WINDOWS + """
            for _, key in ipairs(KEYS) do giveBack(key, 'h', hour, tonumber(ARGV[1])) end
            return 1
            """),

    /**
     * KEYS: an hourly {@linkplain Lua#WINDOWS window} of sends (a number's, or a client's). Returns the sends in it;
     * drops only the buckets that have left it, as every read does.
     */
    COUNT_SENDS(true, Lua.WINDOWS + """
            local sends = buckets(KEYS[1], 'h', hour)
            return sends
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
            """),

    /**
     * KEYS: a client's attempts of one kind (an hourly {@linkplain Lua#WINDOWS window}). ARGV: the max per hour. Returns 0
     * when the attempt is counted, else the ms until one more fits (not counted). Repeatable: a second run counts
     * the attempt twice for the hour, refusing sooner, never more.
     */
    COUNT_ATTEMPT(true, Lua.WINDOWS + """
            local ms = wait(KEYS[1], 'h', hour, tonumber(ARGV[1]))
            if ms then return ms end
            count(KEYS[1], 'h', hour)
            return 0
            """),

    /**
     * KEYS: the thing's key. ARGV: holder, ttl ms. Returns 0 when claimed now for the holder, 1 when the same holder
     * claimed it before, 2 when another did. Not repeatable: a second run after a lost answer would see its own claim.
     */
    CLAIM_ONCE(false, """
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
            if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
            return 2
            """),

    /** KEYS: the thing's key. ARGV: holder. Deletes the claim while it is the holder's; returns 1 when it did. */
    RELEASE_ONCE(true, """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """);

    /**
     * Safe to run again on a fresh connection when the first one failed: a second run has the effect of one, or can
     * only refuse what one run would have accepted, never accept more (VERIFY_CODE: the code consumed, or one attempt
     * more counted; RESERVE_CLIENT: the request and the send counted twice, for the hour).
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

        /**
         * Send windows of bounded size. A window of {@code span} ms over a key is cut into 60 buckets of
         * {@code span / 60} ms (an hour: 1 minute; a day: 24 minutes), fields of a hash named by the window's tag (one
         * letter) and the bucket's number ({@code h28633333}: the hour's bucket of minute 28 633 333 since the epoch),
         * each holding the bucket's count of sends and its newest send's time ({@code "17 1718000000123"}). One key
         * may hold several windows (a number's: {@code h} and {@code d}); it expires {@code span} after its newest
         * send. A key holds at most 61 buckets per window, whatever the number of sends: every read drops the buckets
         * that have left the window, and the scripts read a window before they count in it.
         *
         * <p>A bucket counts while its newest send is in the window. So every send counts at least as long as it
         * would in an exact sliding window (a sorted set of the sends, as before) and less than one bucket width
         * longer: the window never lets more through than the exact one. A send given back ({@code giveBack}) leaves
         * its bucket's count but not its newest time, which stays within the bucket. {@code wait} answers the time
         * until enough of the oldest buckets have left the window for a send to fit: the exact answer (the time
         * until the oldest send that must leave does) when that send is its bucket's newest, else later by less than
         * one bucket width (1 minute in an hour's window, 24 minutes in a day's); never earlier, so a client that
         * waits that long is let through (unless others sent meanwhile).
         */
        static final String WINDOWS = NOW_MS + """
                local hour, day = 3600000, 86400000
                local BUCKETS = 60
                local function bucket(tag, span, at)
                  return tag .. math.floor(at / (span / BUCKETS))
                end
                local function parse(value)
                  local count, last = string.match(value, '^(%d+) (%d+)$')
                  return tonumber(count), tonumber(last)
                end
                -- the sends in the window and its buckets {number, count, newest send}; drops those that have left it
                local function buckets(key, tag, span)
                  local fields = redis.call('HGETALL', key)
                  local live, gone, sends = {}, {}, 0
                  for i = 1, #fields, 2 do
                    local field = fields[i]
                    if string.sub(field, 1, 1) == tag then
                      local count, last = parse(fields[i + 1])
                      if last > now - span then
                        live[#live + 1] = {tonumber(string.sub(field, 2)), count, last}
                        sends = sends + count
                      else
                        gone[#gone + 1] = field
                      end
                    end
                  end
                  if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
                  return sends, live
                end
                -- nil while fewer than limit sends are in the window, else the ms until enough of the oldest have left it
                local function wait(key, tag, span, limit)
                  local sends, live = buckets(key, tag, span)
                  if sends < limit then return nil end
                  table.sort(live, function(a, b) return a[1] < b[1] end)
                  for _, b in ipairs(live) do
                    sends = sends - b[2]
                    if sends < limit then return b[3] + span - now end
                  end
                  return span
                end
                -- counts a send now
                local function count(key, tag, span)
                  local field = bucket(tag, span, now)
                  local value = redis.call('HGET', key, field)
                  local sends, last = 0, now
                  if value then sends, last = parse(value) end
                  redis.call('HSET', key, field, (sends + 1) .. ' ' .. math.max(last, now))
                  if redis.call('PTTL', key) < span then redis.call('PEXPIRE', key, span) end
                end
                -- takes back a send counted at time at, unless its bucket has left the window
                local function giveBack(key, tag, span, at)
                  local field = bucket(tag, span, at)
                  local value = redis.call('HGET', key, field)
                  if not value then return end
                  local sends, last = parse(value)
                  if sends <= 1 then
                    redis.call('HDEL', key, field)
                  else
                    redis.call('HSET', key, field, (sends - 1) .. ' ' .. last)
                  end
                end
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
