package dev.smslogin.cloudsdk;

import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Tencent Cloud's SDK ({@code tencentcloud-sdk-java-common}) set up the one way every Tencent port of the extension
 * uses it (the {@code tencent} SMS sender, the {@code tencent-captcha} human check): one OkHttp client per node, shared
 * by the clients of every account, without retries or redirects, and requests signed {@code TC3-HMAC-SHA256}.
 */
public final class TencentClients {

    private TencentClients() {
    }

    /**
     * A client for a node: no retry (a retry after the request went out could act twice), no redirects,
     * {@code maxConnections} idle connections kept, and any answer other than HTTP 200 (Tencent answers 200 even to
     * refused calls: another status is a proxy's or gateway's) turned into an {@link UnexpectedStatus}.
     */
    public static OkHttpClient newHttpClient(int maxConnections) {
        return new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .followSslRedirects(false)
                .connectionPool(new ConnectionPool(maxConnections, 5, TimeUnit.MINUTES))
                .addInterceptor(TencentClients::onlyTencentsAnswers)
                .build();
    }

    /** Stops a node client's threads and closes its connections (at shutdown). */
    public static void close(OkHttpClient http) {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /**
     * The profile of one account's SDK client: {@code protocol://endpoint}, TC3 signing, and these timeouts on a view of
     * the node's client that shares its connections.
     *
     * @param protocol {@code https} or {@code http} (a local stand-in)
     */
    public static ClientProfile profile(OkHttpClient http, String protocol, String endpoint, int connectTimeoutMillis,
                                        int readTimeoutMillis) {
        HttpProfile httpProfile = new HttpProfile();
        httpProfile.setEndpoint(endpoint);
        httpProfile.setProtocol(protocol.equals("http") ? HttpProfile.REQ_HTTP : HttpProfile.REQ_HTTPS);
        httpProfile.setHttpClient(http.newBuilder()
                .connectTimeout(connectTimeoutMillis, TimeUnit.MILLISECONDS)
                .readTimeout(readTimeoutMillis, TimeUnit.MILLISECONDS)
                .writeTimeout(readTimeoutMillis, TimeUnit.MILLISECONDS)
                .build());
        return new ClientProfile(ClientProfile.SIGN_TC3_256, httpProfile);
    }

    private static Response onlyTencentsAnswers(Interceptor.Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        if (response.code() != 200) {
            response.close();
            throw new UnexpectedStatus(response.code());
        }
        return response;
    }

    /** An HTTP status other than 200: not Tencent's answer. The SDK hands it on as its exception's cause. */
    public static final class UnexpectedStatus extends IOException {
        private final int status;

        UnexpectedStatus(int status) {
            super("HTTP " + status);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
