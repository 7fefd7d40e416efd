package dev.smslogin.cloudsdk;

import com.aliyuncs.CommonRequest;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.policy.retry.RetryPolicy;

/**
 * The one way this extension calls an Aliyun RPC API through the SDK core (SMS, CAPTCHA, number verification): a
 * signed POST to {@code protocol://endpoint}, a JSON answer, within the timeouts, tried once.
 */
public final class AliyunRpc {

    private AliyunRpc() {
    }

    /**
     * A request of {@code action} (API {@code version}); the caller adds its parameters.
     *
     * @param protocol {@code https} or {@code http} (a local stand-in)
     * @param endpoint {@code host[:port]}
     */
    public static CommonRequest request(String protocol, String endpoint, int connectTimeoutMillis, int readTimeoutMillis,
                                        String version, String action) {
        CommonRequest request = new CommonRequest();
        request.setSysMethod(MethodType.POST);
        request.setSysProtocol(protocol.equals("http") ? ProtocolType.HTTP : ProtocolType.HTTPS);
        request.setSysDomain(endpoint);
        request.setSysVersion(version);
        request.setSysAction(action);
        request.setSysAccept(FormatType.JSON);
        request.setSysConnectTimeout(connectTimeoutMillis);
        request.setSysReadTimeout(readTimeoutMillis);
        request.setSysRetryPolicy(RetryPolicy.none());
        return request;
    }
}
