package dev.smslogin.settings;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.models.AuthenticatorConfigModel;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmsLoginConfigCacheTest {

    private final SmsLoginConfigCache cache = new SmsLoginConfigCache();

    @Test
    @DisplayName("unchanged settings are parsed once; an admin's change is read on the next request")
    void followsChanges() {
        AuthenticatorConfigModel model = model("cfg-1", Map.of("codeLength", "6"));
        SmsLoginConfig first = cache.get(model);
        assertThat(cache.get(model("cfg-1", Map.of("codeLength", "6")))).isSameAs(first);

        assertThat(cache.get(model("cfg-1", Map.of("codeLength", "8"))).codeLength()).isEqualTo(8);
        model.getConfig().put("codeLength", "7");   // the model's own map changed in place
        assertThat(cache.get(model).codeLength()).isEqualTo(7);
        assertThat(cache.get(model("cfg-2", Map.of())).codeLength()).as("another execution").isEqualTo(6);
    }

    @Test
    @DisplayName("invalid settings are reported on every request, never replaced by the last valid ones")
    void invalidIsNeverKept() {
        cache.get(model("cfg-1", Map.of("codeLength", "6")));
        AuthenticatorConfigModel invalid = model("cfg-1", Map.of("codeLength", "3"));
        assertThatThrownBy(() -> cache.get(invalid)).isInstanceOf(SmsLoginConfig.InvalidConfigException.class);
        assertThatThrownBy(() -> cache.get(invalid)).isInstanceOf(SmsLoginConfig.InvalidConfigException.class);
    }

    @Test
    @DisplayName("an execution without settings gets the defaults")
    void noSettings() {
        assertThat(cache.get(null)).isEqualTo(SmsLoginConfig.defaults());
        assertThat(cache.get(new AuthenticatorConfigModel())).isEqualTo(SmsLoginConfig.defaults());
    }

    private static AuthenticatorConfigModel model(String id, Map<String, String> values) {
        AuthenticatorConfigModel model = new AuthenticatorConfigModel();
        model.setId(id);
        model.setAlias("sms");
        model.setConfig(new HashMap<>(values));
        return model;
    }
}
