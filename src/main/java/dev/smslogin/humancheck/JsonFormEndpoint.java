package dev.smslogin.humancheck;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A CAPTCHA vendor's verification URL that takes a form POST and answers a JSON object (siteverify, GeeTest): one
 * request within the timeout, never redirected nor retried. Anything but HTTP 200 with a JSON object, a timeout or a
 * broken connection is {@link HumanCheckUnavailableException} (no SMS); the form's values never reach a message.
 */
public final class JsonFormEndpoint {

    private final String vendor;
    private final URI url;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param vendor the name messages and logs give the vendor
     * @param http   a client of {@link #client}, shared by the endpoints of one vendor
     */
    private JsonFormEndpoint(String vendor, URI url, Duration timeout, HttpClient http) {
        this.vendor = vendor;
        this.url = url;
        this.timeout = timeout;
        this.http = http;
    }

    /** A client for endpoints: connects within {@code timeout}, never follows a redirect. */
    static HttpClient client(Duration timeout) {
        return HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * A vendor's endpoints on this node (the server's keys and each realm's): one HTTP client, built with the first
     * endpoint (the timeout is a server option, the same for every key set), shared by all.
     */
    public static final class Node {
        private final String vendor;
        private HttpClient http;

        public Node(String vendor) {
            this.vendor = vendor;
        }

        /** An endpoint at {@code url} answering within {@code timeout}. */
        public synchronized JsonFormEndpoint endpoint(URI url, Duration timeout) {
            if (http == null) {
                http = client(timeout);
            }
            return new JsonFormEndpoint(vendor, url, timeout, http);
        }
    }

    /** The option {@code timeout-ms} of {@code provider} read through {@code option}: 3000 when unset. */
    public static Duration timeout(Function<String, String> option, String provider) {
        try {
            return Duration.ofMillis(Math.max(1, Integer.parseInt(VendorConnection.text(option, "timeout-ms", "3000"))));
        } catch (NumberFormatException e) {
            throw VendorConnection.invalid(provider, "timeout-ms", "must be a number of milliseconds");
        }
    }

    /** POSTs {@code fields} (in their order, URL-encoded) and reads the answer. */
    public JsonObject post(Map<String, String> fields) {
        String body = fields.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200) {
                throw new HumanCheckUnavailableException(vendor + " answered HTTP " + reply.statusCode(), null);
            }
            JsonElement json = JsonParser.parseString(reply.body());
            if (!json.isJsonObject()) {
                throw new HumanCheckUnavailableException(vendor + " answered something that is not a JSON object", null);
            }
            return json.getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            if (e instanceof HumanCheckUnavailableException unavailable) {
                throw unavailable;
            }
            throw new HumanCheckUnavailableException(vendor + " failed: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HumanCheckUnavailableException(vendor + " interrupted", e);
        }
    }

    /** A member's value as text; null when absent or not a primitive. */
    public static String text(JsonObject object, String name) {
        JsonElement value = object.get(name);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }

    /** URL-encodes {@code value} (null as empty), as form bodies and query strings carry it. */
    public static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}
