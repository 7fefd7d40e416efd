package dev.smslogin.code.redis;

import java.net.URI;
import java.net.URISyntaxException;

/** The Redis store's server options, checked at start so that a typo stops Keycloak with a clear message. */
record RedisSettings(String url, String keyPrefix, int timeoutMillis) {

    static RedisSettings from(String url, String keyPrefix, String timeoutMillis) {
        String effectiveUrl = blankToDefault(url, RedisSmsCodeStoreFactory.DEFAULT_URL);
        URI uri;
        try {
            uri = new URI(effectiveUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("sms-code-store redis: 'url' is not a valid URI");
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("sms-code-store redis: 'url' must start with redis:// or rediss://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("sms-code-store redis: 'url' has no host");
        }
        int timeout;
        try {
            timeout = Integer.parseInt(blankToDefault(timeoutMillis, String.valueOf(RedisSmsCodeStoreFactory.DEFAULT_TIMEOUT_MS)).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sms-code-store redis: 'timeout-ms' must be a whole number of milliseconds");
        }
        if (timeout < 10 || timeout > 60_000) {
            throw new IllegalArgumentException("sms-code-store redis: 'timeout-ms' must be between 10 and 60000");
        }
        return new RedisSettings(effectiveUrl, blankToDefault(keyPrefix, RedisSmsCodeStoreFactory.DEFAULT_PREFIX), timeout);
    }

    /** The URL without its credentials, for logs and Server Info. */
    String redactedUrl() {
        URI uri = URI.create(url);
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return uri.getScheme() + "://" + (uri.getUserInfo() == null ? "" : "***@") + uri.getHost() + port
                + (uri.getPath() == null ? "" : uri.getPath());
    }

    private static String blankToDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
