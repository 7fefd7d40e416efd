package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;

/**
 * Key layout. Each phone number's keys (cooldown, send window, one code per login session) share one hash tag ({@code {realm:hash}}), so they live in one Redis
 * Cluster slot and one Lua script may touch them all. A realm's counters (its sends; per client, its requests and
 * sends) share the realm's tag.
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
        return phoneKey(scope, "sends");
    }

    String failures(CodeScope scope) {
        return phoneKey(scope, "failures");
    }

    String clientRequests(String realmId, String clientKey) {
        return prefix + "{" + realmId + "}:client:" + clientKey + ":requests";
    }

    String clientSends(String realmId, String clientKey) {
        return prefix + "{" + realmId + "}:ip:" + clientKey + ":sends";
    }

    String realmSends(String realmId) {
        return prefix + "{" + realmId + "}:sends";
    }

    /** The client's sends through one stricter flow. */
    String flowClientSends(String realmId, String flowId, String clientKey) {
        return prefix + "{" + realmId + "}:flow:" + flowId + ":ip:" + clientKey + ":sends";
    }

    /** The realm's sends through one stricter flow. */
    String flowRealmSends(String realmId, String flowId) {
        return prefix + "{" + realmId + "}:flow:" + flowId + ":sends";
    }

    String flowCooldown(CodeScope scope, String flowId) {
        return phoneKey(scope, "flow:" + flowId + ":cooldown");
    }

    String flowPhoneSends(CodeScope scope, String flowId) {
        return phoneKey(scope, "flow:" + flowId + ":sends");
    }

    private String phoneKey(CodeScope scope, String name) {
        return prefix + "{" + scope.id() + "}:" + name;
    }
}
