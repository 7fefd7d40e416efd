package dev.smslogin.humancheck.siteverify;

import com.google.gson.JsonElement;
import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.humancheck.HumanCheckFactory;
import dev.smslogin.humancheck.JsonFormEndpoint;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code siteverify}: the example human check. Speaks the "siteverify" protocol that reCAPTCHA, hCaptcha and
 * Cloudflare Turnstile share: the page's widget puts a token in the form, the server POSTs
 * {@code secret}, {@code response} and {@code remoteip} to {@code verify-url} and expects {@code {"success": true}}.
 * Options: {@code verify-url}, {@code secret}, {@code site-key}, {@code script-url}, {@code token-field}
 * (default {@code captcha_token}), {@code timeout-ms} (default 3000).
 */
public final class SiteVerifyHumanCheckFactory implements HumanCheckFactory {

    public static final String PROVIDER_ID = "siteverify";

    private JsonFormEndpoint endpoint;
    private String secret;
    private String tokenField;
    private Map<String, String> pageAttributes;

    @Override
    public HumanCheck create(KeycloakSession session) {
        return new HumanCheck() {
            @Override
            public Map<String, String> pageAttributes() {
                return pageAttributes;
            }

            @Override
            public boolean passes(Map<String, String> form, String clientIp) {
                String token = form.get(tokenField);
                if (endpoint == null || token == null || token.isBlank() || token.length() > 4096) {
                    return false;
                }
                return verify(token, clientIp);
            }
        };
    }

    private boolean verify(String token, String clientIp) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("secret", secret);
        fields.put("response", token);
        fields.put("remoteip", clientIp);
        JsonElement success = endpoint.post(fields).get("success");
        return success != null && success.isJsonPrimitive() && success.getAsBoolean();
    }

    @Override
    public void init(Config.Scope config) {
        String url = config.get("verify-url");
        endpoint = url == null || url.isBlank() ? null
                : new JsonFormEndpoint(PROVIDER_ID, URI.create(url.trim()), Duration.ofMillis(config.getInt("timeout-ms", 3000)));
        secret = config.get("secret", "");
        tokenField = config.get("token-field", "captcha_token");
        pageAttributes = Map.of("scriptUrl", config.get("script-url", ""), "siteKey", config.get("site-key", ""),
                "tokenField", tokenField);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("verify-url").type(ProviderConfigProperty.STRING_TYPE).helpText("The CAPTCHA service's siteverify URL.").add()
                .property().name("secret").type(ProviderConfigProperty.PASSWORD).secret(true).helpText("The server-side secret of the CAPTCHA site.").add()
                .property().name("site-key").type(ProviderConfigProperty.STRING_TYPE).helpText("The public site key the widget shows.").add()
                .property().name("script-url").type(ProviderConfigProperty.STRING_TYPE).helpText("The widget's script, loaded by the phone page.").add()
                .property().name("token-field").type(ProviderConfigProperty.STRING_TYPE).defaultValue("captcha_token").helpText("Form field that carries the widget's token.").add()
                .property().name("timeout-ms").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(3000).helpText("Connect and read timeout of siteverify.").add()
                .build();
    }
}
