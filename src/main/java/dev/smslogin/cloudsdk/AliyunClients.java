package dev.smslogin.cloudsdk;

import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.http.HttpClientConfig;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;

/**
 * Aliyun's SDK client ({@code aliyun-java-sdk-core}) set up the one way every Aliyun port of the extension uses it
 * (the {@code aliyun} SMS sender, the {@code aliyun-captcha} human check): one client per account and node, no
 * retries (a retried call may have gone out), each request within its timeouts, a bounded connection pool.
 */
public final class AliyunClients {

    private AliyunClients() {
    }

    /**
     * @param regionId       the profile's region; the request's endpoint decides where it goes
     * @param protocol       {@code https} or {@code http} (a local stand-in)
     * @param maxConnections as many connections as calls may be in flight at once
     */
    public static DefaultAcsClient newClient(String regionId, String accessKeyId, String accessKeySecret, String protocol,
                                             int connectTimeoutMillis, int readTimeoutMillis, int maxConnections) {
        DefaultProfile profile = DefaultProfile.getProfile(regionId, accessKeyId, accessKeySecret);
        HttpClientConfig http = HttpClientConfig.getDefault();
        http.setConnectionTimeoutMillis(connectTimeoutMillis);
        http.setReadTimeoutMillis(readTimeoutMillis);
        http.setProtocolType(protocol.equals("http") ? ProtocolType.HTTP : ProtocolType.HTTPS);
        http.setMaxRequests(maxConnections);
        http.setMaxRequestsPerHost(maxConnections);
        http.setMaxIdleConnections(maxConnections);
        profile.setHttpClientConfig(http);
        DefaultAcsClient client = new DefaultAcsClient(profile);
        client.setAutoRetry(false);
        client.setMaxRetryNumber(0);
        return client;
    }
}
