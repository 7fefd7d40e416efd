package dev.smslogin.humancheck.siteverify;

import com.google.gson.JsonElement;
import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.humancheck.JsonFormEndpoint;
import dev.smslogin.humancheck.RealmKeysHumanCheckFactory;
import dev.smslogin.humancheck.VendorConnection;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code siteverify}: the example human check. Speaks the "siteverify" protocol that reCAPTCHA, hCaptcha and
 * Cloudflare Turnstile share: the page's widget puts a token in the form, the server POSTs
 * {@code secret}, {@code response} and {@code remoteip} to {@code verify-url} and expects {@code {"success": true}}.
 * Options: {@code verify-url}, {@code secret}, {@code site-key}, {@code script-url}, {@code token-field}
 * (default {@code captcha_token}), {@code timeout-ms} (default 3000).
 */
public final class SiteVerifyHumanCheckFactory extends RealmKeysHumanCheckFactory {

    public static final String PROVIDER_ID = "siteverify";
    private static final int MAX_TOKEN_LENGTH = 4096;

    private final JsonFormEndpoint.Node node = new JsonFormEndpoint.Node(PROVIDER_ID);

    @Override
    protected List<String> keyOptions() {
        return List.of("secret", "site-key");
    }

    @Override
    protected Built build(Function<String, String> option) {
        String url = VendorConnection.text(option, "verify-url", null);
        String tokenField = VendorConnection.text(option, "token-field", "captcha_token");
        JsonFormEndpoint endpoint = url == null ? null : node.endpoint(URI.create(url), JsonFormEndpoint.timeout(option, PROVIDER_ID));
        Map<String, String> pageAttributes = Map.of("scriptUrl", VendorConnection.text(option, "script-url", ""),
                "siteKey", VendorConnection.text(option, "site-key", ""), "tokenField", tokenField);
        return Built.of(new Check(endpoint, VendorConnection.text(option, "secret", ""), tokenField, pageAttributes));
    }

    /** The check of one secret. */
    private record Check(JsonFormEndpoint endpoint, String secret, String tokenField, Map<String, String> pageAttributes)
            implements HumanCheck {

        @Override
        public boolean passes(Map<String, String> form, String clientIp) {
            String token = form.get(tokenField);
            if (endpoint == null || token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
                return false;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("secret", secret);
            fields.put("response", token);
            fields.put("remoteip", clientIp);
            JsonElement success = endpoint.post(fields).get("success");
            return success != null && success.isJsonPrimitive() && success.getAsBoolean();
        }

        @Override
        public String toString() {
            return "siteverify check of token field " + tokenField;
        }
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
