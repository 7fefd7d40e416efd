package dev.smslogin.testing;

import org.keycloak.Config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** A provider's server options ({@code --spi-<spi>--<provider>--<option>}) as Keycloak hands them to {@code init}. */
public final class MapScope implements Config.Scope {

    private final Map<String, String> values;

    private MapScope(Map<String, String> values) {
        this.values = new HashMap<>(values);
    }

    public static Config.Scope of(Map<String, String> options) {
        return new MapScope(options);
    }

    @Override
    public String get(String key) {
        return values.get(key);
    }

    @Override
    public String get(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    @Override
    public String[] getArray(String key) {
        String value = values.get(key);
        return value == null ? null : value.split(",");
    }

    @Override
    public Integer getInt(String key, Integer defaultValue) {
        String value = values.get(key);
        return value == null ? defaultValue : Integer.valueOf(value);
    }

    @Override
    public Long getLong(String key, Long defaultValue) {
        String value = values.get(key);
        return value == null ? defaultValue : Long.valueOf(value);
    }

    @Override
    public Boolean getBoolean(String key, Boolean defaultValue) {
        String value = values.get(key);
        return value == null ? defaultValue : Boolean.valueOf(value);
    }

    @Override
    public Config.Scope scope(String... path) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public Config.Scope root() {
        throw new UnsupportedOperationException();
    }
}
