package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;

/**
 * Key layout. Each phone number's keys share one hash tag ({@code {realm:hash}}), so they live in one Redis
 * Cluster slot and one Lua script may touch them all. A client IP has a tag of its own.
 */
final class RedisKeys {

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    String code(CodeScope scope) {
        return phoneKey(scope, "code");
    }

    String cooldown(CodeScope scope) {
        return phoneKey(scope, "cooldown");
    }

    String phoneSends(CodeScope scope) {
        return phoneKey(scope, "sends");
    }

    String ipSends(String realmId, String clientIp) {
        return prefix + "{" + realmId + ":ip:" + clientIp + "}:sends";
    }

    private String phoneKey(CodeScope scope, String name) {
        return prefix + "{" + scope.id() + "}:" + name;
    }
}
