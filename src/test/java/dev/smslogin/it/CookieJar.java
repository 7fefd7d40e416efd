package dev.smslogin.it;

import java.net.CookieHandler;
import java.net.HttpCookie;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * One user's cookies for the one Keycloak host of the tests: every cookie goes back on every request, as a
 * browser does for Keycloak's realm paths. (java.net.CookieManager drops cookies for bare IP hosts.)
 */
final class CookieJar extends CookieHandler {

    private final Map<String, String> cookies = new ConcurrentHashMap<>();

    /** The names of the cookies held now. */
    java.util.Set<String> names() {
        return java.util.Set.copyOf(cookies.keySet());
    }

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        if (cookies.isEmpty()) {
            return Map.of();
        }
        return Map.of("Cookie", List.of(cookies.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; "))));
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) {
        responseHeaders.forEach((name, values) -> {
            if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
                for (String header : values) {
                    for (HttpCookie cookie : HttpCookie.parse(header)) {
                        if (cookie.getMaxAge() == 0 || cookie.getValue().isEmpty()) {
                            cookies.remove(cookie.getName());
                        } else {
                            cookies.put(cookie.getName(), cookie.getValue());
                        }
                    }
                }
            }
        });
    }
}
