package dev.smslogin.humancheck;

import org.keycloak.models.KeycloakSession;

import java.util.Map;

/** {@code none}: no human check; the default. */
public final class NoHumanCheckFactory implements HumanCheckFactory {

    public static final String PROVIDER_ID = "none";

    private static final HumanCheck NONE = new HumanCheck() {
        @Override
        public Map<String, String> pageAttributes() {
            return Map.of();
        }

        @Override
        public boolean passes(Map<String, String> form, String clientIp) {
            return true;
        }
    };

    @Override
    public HumanCheck create(KeycloakSession session) {
        return NONE;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public int order() {
        return 100;
    }
}
