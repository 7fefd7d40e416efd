package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser at the HTTP level: its own cookie jar (one per user), follows Keycloak's redirects, submits forms the
 * way a browser does (the pressed button's name goes with the fields). Starts logins as an OIDC client with PKCE.
 */
public final class Browser {

    public static final String CLIENT_ID = "demo-app";
    public static final String REDIRECT_URI = "http://127.0.0.1:8000/callback";

    private final String baseUrl;
    private final HttpClient http;
    private final String acceptLanguage;
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();
    private String codeVerifier;
    private String realm;
    private String clientId = CLIENT_ID;
    private final CookieJar cookies = new CookieJar();

    public Browser(KeycloakServer server) {
        this(server, "en");
    }

    public Browser(KeycloakServer server, String acceptLanguage) {
        this(server.baseUrl(), acceptLanguage);
    }

    /** A browser for the Keycloak at {@code baseUrl} (one node of a cluster, say). */
    public Browser(String baseUrl, String acceptLanguage) {
        this.baseUrl = baseUrl;
        this.acceptLanguage = acceptLanguage;
        this.http = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The names of the cookies this browser holds now (Keycloak's session cookies after a login, say). */
    public java.util.Set<String> cookieNames() {
        return cookies.names();
    }

    /** Sends {@code name: value} with every request, as a proxy or a forger would add it. */
    public Browser withHeader(String name, String value) {
        extraHeaders.put(name, value);
        return this;
    }

    /** Opens the client's login URL: the first page of the realm's browser flow. */
    public Page startLogin(String realm) {
        return startLogin(realm, CLIENT_ID);
    }

    /** Opens the login URL of {@code clientId} (whose browser-flow override picks the flow). */
    public Page startLogin(String realm, String clientId) {
        return authorize(realm, clientId, "");
    }

    /**
     * Opens the login URL of {@code clientId} asking for the required action {@code action} ({@code kc_action}: an
     * application-initiated action), as an application does for a logged-in user.
     */
    public Page startAction(String realm, String clientId, String action) {
        return authorize(realm, clientId, "&kc_action=" + KeycloakAdmin.encode(action));
    }

    /** Opens the client's login URL with {@code kc_idp_hint}: straight to the identity provider {@code alias}. */
    public Page startBrokeredLogin(String realm, String alias) {
        return authorize(realm, CLIENT_ID, "&kc_idp_hint=" + KeycloakAdmin.encode(alias));
    }

    private Page authorize(String realm, String clientId, String extraQuery) {
        this.realm = realm;
        this.clientId = clientId;
        codeVerifier = randomUrlSafe(32);
        String url = baseUrl + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=" + clientId
                + "&redirect_uri=" + KeycloakAdmin.encode(REDIRECT_URI) + "&response_type=code&scope=" + KeycloakAdmin.encode("openid phone")
                + "&state=" + randomUrlSafe(8) + "&nonce=" + randomUrlSafe(8)
                + "&code_challenge=" + challenge(codeVerifier) + "&code_challenge_method=S256" + extraQuery;
        return get(url);
    }

    public Page get(String url) {
        return follow(request(url).GET().build());
    }

    /** Submits the page's form with {@code fields}, pressing the submit button named {@code button} (or none). */
    public Page submit(Page page, Map<String, String> fields, String button) {
        return submit(page, fields, button, null);
    }

    /**
     * Submits the page's form to another Keycloak node ({@code nodeBaseUrl}) than the one that served it, as a
     * load balancer without sticky sessions may do.
     */
    public Page submit(Page page, Map<String, String> fields, String button, String nodeBaseUrl) {
        Element form = page.document().selectFirst("form[action*=login-actions]");
        if (form == null) {
            throw new AssertionError("no login form on page:\n" + page.text());
        }
        Map<String, String> values = new LinkedHashMap<>();
        form.select("input[type=hidden]").forEach(i -> values.put(i.attr("name"), i.attr("value")));
        values.putAll(fields);
        if (button != null) {
            if (form.selectFirst("button[name=" + button + "]") == null) {
                throw new AssertionError("no button " + button + " on page");
            }
            values.put(button, "");
        }
        String action = form.absUrl("action");
        if (nodeBaseUrl != null) {
            URI original = URI.create(action);
            action = nodeBaseUrl + original.getRawPath() + (original.getRawQuery() == null ? "" : "?" + original.getRawQuery());
        }
        return post(action, values);
    }

    public Page post(String url, Map<String, String> values) {
        String body = values.entrySet().stream()
                .map(e -> KeycloakAdmin.encode(e.getKey()) + "=" + KeycloakAdmin.encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return follow(request(url).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Exchanges the authorization code of a finished login for tokens. */
    public JsonNode tokens(Page finished) {
        String code = finished.authorizationCode();
        String form = "grant_type=authorization_code&client_id=" + clientId + "&code=" + KeycloakAdmin.encode(code)
                + "&redirect_uri=" + KeycloakAdmin.encode(REDIRECT_URI) + "&code_verifier=" + codeVerifier;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("token request answered " + response.statusCode() + ": " + response.body());
            }
            return KeycloakAdmin.JSON.readTree(response.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Accept-Language", acceptLanguage);
        extraHeaders.forEach(builder::header);
        return builder;
    }

    private Page follow(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            for (int hops = 0; hops < 10 && isRedirect(response.statusCode()); hops++) {
                URI location = request.uri().resolve(response.headers().firstValue("Location").orElseThrow());
                if (location.toString().startsWith(REDIRECT_URI)) {
                    return new Page(response.statusCode(), location.toString(), "");
                }
                request = request(location.toString()).GET().build();
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            }
            return new Page(response.statusCode(), request.uri().toString(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 302 || status == 303 || status == 301 || status == 307;
    }

    private static String randomUrlSafe(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One page the user sees (or the final redirect to the client). */
    public record Page(int status, String url, String body) {

        public Document document() {
            return Jsoup.parse(body, url);
        }

        public boolean isPhonePage() {
            return document().selectFirst("input[name=phone_number]") != null;
        }

        public boolean isCodePage() {
            return document().selectFirst("input[name=code]") != null;
        }

        public boolean isRedirectToClient() {
            return url.startsWith(REDIRECT_URI);
        }

        /** The error shown under a field, or null. */
        public String fieldError(String field) {
            Element error = document().getElementById("input-error-" + field);
            return error == null ? null : error.text();
        }

        /** The page-level alert (Keycloak's message area), or null. */
        public String alert() {
            Element alert = document().selectFirst(".pf-v5-c-alert__title, .kc-feedback-text, #input-error");
            return alert == null ? null : alert.text();
        }

        public String text() {
            return document().text();
        }

        public String authorizationCode() {
            if (!isRedirectToClient()) {
                throw new AssertionError("not redirected to the client; page says: " + text());
            }
            String query = URI.create(url).getQuery();
            for (String pair : query.split("&")) {
                if (pair.startsWith("code=")) {
                    return pair.substring(5);
                }
            }
            throw new AssertionError("no code in " + url);
        }
    }
}
