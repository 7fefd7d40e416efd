package dev.smslogin.sms.aliyun;

import com.aliyuncs.CommonRequest;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.policy.retry.RetryPolicy;
import dev.smslogin.sms.SenderConnection;

/**
 * The one way this extension calls an Aliyun RPC API through the SDK core (SMS, CAPTCHA, number verification): a
 * signed POST to {@code connection}'s endpoint, a JSON answer, the connection's timeouts, tried once.
 */
public final class AliyunRpc {

    private AliyunRpc() {
    }

    /** A request of {@code action} (API {@code version}); the caller adds its parameters. */
    public static CommonRequest request(SenderConnection connection, String version, String action) {
        CommonRequest request = new CommonRequest();
        request.setSysMethod(MethodType.POST);
        request.setSysProtocol(connection.protocol().equals("http") ? ProtocolType.HTTP : ProtocolType.HTTPS);
        request.setSysDomain(connection.endpoint());
        request.setSysVersion(version);
        request.setSysAction(action);
        request.setSysAccept(FormatType.JSON);
        request.setSysConnectTimeout(connection.connectTimeoutMillis());
        request.setSysReadTimeout(connection.readTimeoutMillis());
        request.setSysRetryPolicy(RetryPolicy.none());
        return request;
    }
}
