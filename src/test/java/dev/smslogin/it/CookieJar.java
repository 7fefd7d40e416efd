package dev.smslogin.it;

import java.net.CookieHandler;
import java.net.HttpCookie;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * One user's cookies for the one Keycloak host of the tests, kept by name and path (two realms of one server set
 * cookies of the same name on their own paths, as a brokered login across them does): a cookie goes back on every
 * request below its path, as a browser does. (java.net.CookieManager drops cookies for bare IP hosts.)
 */
final class CookieJar extends CookieHandler {

    /** path, then name, then value */
    private final Map<String, Map<String, String>> cookies = new ConcurrentHashMap<>();

    /** The names of the cookies held now. */
    java.util.Set<String> names() {
        return java.util.Set.copyOf(cookies.keySet());
    }

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        Map<String, String> sent = new java.util.LinkedHashMap<>();
        // the longest path first: its cookie wins over a same-named one of a path above it
        cookies.entrySet().stream()
                .filter(entry -> path.startsWith(entry.getKey()) || (path + "/").equals(entry.getKey()))
                .sorted((a, b) -> b.getKey().length() - a.getKey().length())
                .forEach(entry -> entry.getValue().forEach(sent::putIfAbsent));
        if (sent.isEmpty()) {
            return Map.of();
        }
        return Map.of("Cookie", List.of(sent.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; "))));
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) {
        responseHeaders.forEach((name, values) -> {
            if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
                for (String header : values) {
                    for (HttpCookie cookie : HttpCookie.parse(header)) {
                        String path = cookie.getPath() == null || cookie.getPath().isEmpty() ? "/" : cookie.getPath();
                        Map<String, String> atPath = cookies.computeIfAbsent(path, p -> new ConcurrentHashMap<>());
                        if (cookie.getMaxAge() == 0 || cookie.getValue().isEmpty()) {
                            atPath.remove(cookie.getName());
                        } else {
                            atPath.put(cookie.getName(), cookie.getValue());
                        }
                    }
                }
            }
        });
    }
}
