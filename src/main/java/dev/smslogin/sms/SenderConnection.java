package dev.smslogin.sms;

/**
 * How a sender reaches its provider: {@code protocol://endpoint}, the timeouts of one request (never retried), and
 * how many sends may wait for it at once on this node ({@link SendBulkhead}).
 */
public record SenderConnection(String protocol, String endpoint, int connectTimeoutMillis, int readTimeoutMillis,
                               int maxConcurrentSends) {

    /** {@code https://host[:port]}. */
    public String baseUrl() {
        return protocol + "://" + endpoint;
    }
}
