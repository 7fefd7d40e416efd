package dev.smslogin.testing;

import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.humancheck.HumanCheckFactory;
import dev.smslogin.humancheck.HumanCheckUnavailableException;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code it-widgetless}: a human check without a widget (no page attributes), as an IP-reputation service or an
 * invisible CAPTCHA would be: it asks the test's siteverify endpoint about the client's address alone, with no
 * token ({@link FakeSiteVerify#tokenlessVerdict}). Deployed only into the ITs' Keycloak, in a jar of its own
 * ({@code KeycloakServer}); option {@code verify-url}.
 */
public final class WidgetlessHumanCheckFactory implements HumanCheckFactory {

    public static final String PROVIDER_ID = "it-widgetless";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private URI verifyUrl;

    @Override
    public HumanCheck create(KeycloakSession session) {
        return new HumanCheck() {
            @Override
            public Map<String, String> pageAttributes() {
                return Map.of();
            }

            @Override
            public boolean passes(Map<String, String> form, String clientIp) {
                String body = "secret=" + URLEncoder.encode(FakeSiteVerify.SECRET, StandardCharsets.UTF_8)
                        + "&remoteip=" + URLEncoder.encode(clientIp == null ? "" : clientIp, StandardCharsets.UTF_8);
                try {
                    HttpResponse<String> reply = http.send(HttpRequest.newBuilder(verifyUrl).timeout(Duration.ofSeconds(3))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (reply.statusCode() != 200) {
                        throw new HumanCheckUnavailableException("answered HTTP " + reply.statusCode(), null);
                    }
                    return reply.body().contains("\"success\":true");
                } catch (IOException e) {
                    throw new HumanCheckUnavailableException("failed: " + e.getClass().getSimpleName(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new HumanCheckUnavailableException("interrupted", e);
                }
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
        String url = config.get("verify-url");
        verifyUrl = url == null || url.isBlank() ? URI.create("http://127.0.0.1:9/none") : URI.create(url.trim());
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("verify-url").type(ProviderConfigProperty.STRING_TYPE).helpText("The test's siteverify URL.").add()
                .build();
    }
}
