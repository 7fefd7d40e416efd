package dev.smslogin.sms.tencent;

import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.sms.v20210111.SmsClient;
import com.tencentcloudapi.sms.v20210111.models.SendSmsRequest;
import com.tencentcloudapi.sms.v20210111.models.SendSmsResponse;
import com.tencentcloudapi.sms.v20210111.models.SendStatus;
import dev.smslogin.cloudsdk.TencentClients;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.sms.SendBulkhead;
import dev.smslogin.sms.SendFailures;
import dev.smslogin.sms.SenderConnection;
import dev.smslogin.sms.SmsFailure;
import dev.smslogin.sms.SmsSendException;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.SmsTemplate;
import okhttp3.OkHttpClient;

import java.io.IOException;

/**
 * Sends a code with Tencent Cloud SMS {@code SendSms} (API 2021-01-11, signed {@code TC3-HMAC-SHA256} by Tencent's SDK)
 * over the factory's shared OkHttp client: the number in E.164, the application's SdkAppId, the sign name and the
 * purpose's template, the code as the template's one parameter. Tencent answers each number with its own
 * {@code SendStatus}: only {@code Ok} is a sent message. Never retried: SendSms is not idempotent.
 */
public final class TencentSmsSender implements SmsSender {

    static final String OK = "Ok";

    private final SmsClient client;
    private final TencentSettings settings;
    private final SendBulkhead bulkhead;

    /**
     * @param http the shared client ({@link TencentClients#newHttpClient}); this account's timeouts are set on a view of it that
     *             shares its connections
     */
    public TencentSmsSender(TencentSettings settings, OkHttpClient http, SendBulkhead bulkhead) {
        this.settings = settings;
        this.bulkhead = bulkhead;
        this.client = settings.missingOptions().isEmpty() ? client(settings, http) : null;
    }

    private static SmsClient client(TencentSettings settings, OkHttpClient http) {
        SenderConnection connection = settings.connection();
        ClientProfile profile = TencentClients.profile(http, connection.protocol(), connection.endpoint(),
                connection.connectTimeoutMillis(), connection.readTimeoutMillis());
        return new SmsClient(new Credential(settings.secretId(), settings.secretKey()), settings.region(), profile);
    }

    @Override
    public void sendCode(PhoneNumber to, String code, SmsTemplate template) throws SmsSendException {
        if (client == null) {
            throw new SmsSendException(SmsFailure.MISCONFIGURED,
                    "Tencent Cloud SMS is not configured; missing options: " + settings.missingOptions());
        }
        bulkhead.send(to, () -> checkReply(to, call(to, code, template)));
    }

    private SendSmsResponse call(PhoneNumber to, String code, SmsTemplate template) throws SmsSendException {
        String failed = "Tencent SendSms failed for " + to.masked();
        try {
            return client.SendSms(request(to, code, template));
        } catch (TencentCloudSDKException e) {
            if (e.getCause() instanceof TencentClients.UnexpectedStatus status) {
                throw SendFailures.unreadableAnswer(failed, status.status());
            }
            if (e.getCause() instanceof IOException io) {
                throw SendFailures.transport(failed, io);
            }
            String errorCode = e.getErrorCode();
            if (errorCode == null || errorCode.isEmpty()) {
                throw SmsSendException.unconfirmed(failed + ": an answer that is not Tencent's", null);
            }
            throw SmsSendException.notSent(TencentErrorCodes.failureFor(errorCode),
                    failed + ": Code=" + errorCode + " (request " + e.getRequestId() + ")", null);
        } catch (RuntimeException e) {
            throw SmsSendException.unconfirmed(failed + ": " + e.getClass().getSimpleName(), null);
        }
    }

    private SendSmsRequest request(PhoneNumber to, String code, SmsTemplate template) {
        SendSmsRequest request = new SendSmsRequest();
        request.setPhoneNumberSet(new String[]{to.e164()});
        request.setSmsSdkAppId(settings.sdkAppId());
        // a flow's own sign name and template (another brand's realm) come before the account's for the purpose
        request.setSignName(template.signName() != null ? template.signName() : settings.signName());
        request.setTemplateId(template.templateCode() != null ? template.templateCode() : settings.templateIdFor(template.purpose()));
        request.setTemplateParamSet(new String[]{code});
        return request;
    }

    private static void checkReply(PhoneNumber to, SendSmsResponse response) throws SmsSendException {
        SendStatus[] statuses = response == null ? null : response.getSendStatusSet();
        if (statuses == null || statuses.length != 1 || statuses[0] == null) {
            throw SmsSendException.unconfirmed("Tencent SendSms for " + to.masked() + " answered without one SendStatus (request "
                    + (response == null ? "?" : response.getRequestId()) + ")", null);
        }
        String code = statuses[0].getCode();
        if (OK.equals(code)) {
            return;
        }
        throw new SmsSendException(TencentErrorCodes.failureFor(code),
                "Tencent SendSms refused " + to.masked() + ": Code=" + code + " (request " + response.getRequestId() + ")");
    }
}
