package dev.smslogin.settings;

import org.keycloak.models.AuthenticatorConfigModel;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parsed settings of each execution, kept while they stay as they were: every request of the flow reads them,
 * and a change by an admin (a new map of values) is parsed anew on the next request. Invalid settings are never
 * kept, so each request reports them.
 */
public final class SmsLoginConfigCache {

    /** More executions than any realm set has: beyond it (configs created and deleted for years) start again. */
    private static final int MAX_ENTRIES = 1_000;

    private record Parsed(Map<String, String> values, SmsLoginConfig config) {
    }

    private final Map<String, Parsed> byConfigId = new ConcurrentHashMap<>();

    public SmsLoginConfig get(AuthenticatorConfigModel model) {
        if (model == null || model.getId() == null || model.getConfig() == null) {
            return SmsLoginConfig.from(model);
        }
        Map<String, String> values = model.getConfig();
        Parsed parsed = byConfigId.get(model.getId());
        if (parsed != null && parsed.values().equals(values)) {
            return parsed.config();
        }
        SmsLoginConfig config = SmsLoginConfig.parse(values);
        if (byConfigId.size() >= MAX_ENTRIES) {
            byConfigId.clear();
        }
        byConfigId.put(model.getId(), new Parsed(new HashMap<>(values), config));
        return config;
    }
}
