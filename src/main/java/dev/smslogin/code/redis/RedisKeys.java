package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;

/**
 * Key layout. Each phone number's keys (cooldown, send window, one code per login session) share one hash tag ({@code {realm:hash}}), so they live in one Redis
 * Cluster slot and one Lua script may touch them all. A realm's counters (its sends, in all and per region; per client, its
 * requests and sends) share the realm's tag.
 *
 * <p>The windows are hashes of buckets ({@code RedisScript}); their names ({@code ...-window}) are not those of the
 * sorted sets that earlier versions kept ({@code ...:sends}, {@code ...:requests}), so that a node of either version
 * never meets the other's type (WRONGTYPE) during an upgrade: the old keys expire within a day.
 */
final class RedisKeys {

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    String code(CodeScope scope) {
        return phoneKey(scope, "code:" + scope.sessionId());
    }

    String cooldown(CodeScope scope) {
        return phoneKey(scope, "cooldown");
    }

    String phoneSends(CodeScope scope) {
        return phoneKey(scope, "send-window");
    }

    String failures(CodeScope scope) {
        return phoneKey(scope, "failures");
    }

    String clientRequests(String realmId, String clientKey) {
        return prefix + "{" + realmId + "}:client:" + clientKey + ":request-window";
    }

    String clientSends(String realmId, String clientKey) {
        return prefix + "{" + realmId + "}:ip:" + clientKey + ":send-window";
    }

    String realmSends(String realmId) {
        return prefix + "{" + realmId + "}:send-window";
    }

    /** The realm's sends to the numbers of one region (an ISO code: a few hundred keys at most). */
    String regionSends(String realmId, String region) {
        return prefix + "{" + realmId + "}:region:" + region + ":send-window";
    }

    /** The client's sends through one stricter flow. */
    String flowClientSends(String realmId, String flowId, String clientKey) {
        return prefix + "{" + realmId + "}:flow:" + flowId + ":ip:" + clientKey + ":send-window";
    }

    /** The realm's sends through one stricter flow. */
    String flowRealmSends(String realmId, String flowId) {
        return prefix + "{" + realmId + "}:flow:" + flowId + ":send-window";
    }

    /** The realm's sends to the numbers of one region through one stricter flow. */
    String flowRegionSends(String realmId, String flowId, String region) {
        return prefix + "{" + realmId + "}:flow:" + flowId + ":region:" + region + ":send-window";
    }

    String flowCooldown(CodeScope scope, String flowId) {
        return phoneKey(scope, "flow:" + flowId + ":cooldown");
    }

    String flowPhoneSends(CodeScope scope, String flowId) {
        return phoneKey(scope, "flow:" + flowId + ":send-window");
    }

    /** The client's attempts of one kind (one-tap sign-ins, say): an hourly window. */
    String clientAttempts(String realmId, String kind, String clientKey) {
        return prefix + "{" + realmId + "}:client:" + clientKey + ":" + kind + "-window";
    }

    /** A single-use thing claimed in the realm ({@link dev.smslogin.code.SmsCodeStore#claimOnce}); holds its holder. */
    String once(String realmId, String name) {
        return prefix + "{" + realmId + "}:once:" + name;
    }

    private String phoneKey(CodeScope scope, String name) {
        return prefix + "{" + scope.id() + "}:" + name;
    }
}
