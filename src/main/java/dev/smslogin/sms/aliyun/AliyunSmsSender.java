package dev.smslogin.sms.aliyun;

import com.aliyuncs.CommonRequest;
import com.aliyuncs.CommonResponse;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.exceptions.ServerException;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.smslogin.cloudsdk.AliyunRpc;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.sms.SendBulkhead;
import dev.smslogin.sms.SendFailures;
import dev.smslogin.sms.SenderConnection;
import dev.smslogin.sms.SmsFailure;
import dev.smslogin.sms.SmsSendException;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.SmsTemplate;

/**
 * Sends a code with Dysmsapi {@code SendSms} (version 2017-05-25) through the factory's shared client. Never
 * retried: SendSms is not idempotent, a retry after a read timeout could deliver two messages.
 */
public final class AliyunSmsSender implements SmsSender {

    static final String API_VERSION = "2017-05-25";
    private static final int CHINA_COUNTRY_CODE = 86;

    private final IAcsClient client;
    private final AliyunSettings settings;
    private final SendBulkhead bulkhead;

    /**
     * @param client built for {@code settings} ({@link AliyunSmsSenderFactory#newClient}), or null when they lack an
     *               option: every send is refused as misconfigured
     */
    public AliyunSmsSender(IAcsClient client, AliyunSettings settings, SendBulkhead bulkhead) {
        this.client = client;
        this.settings = settings;
        this.bulkhead = bulkhead;
    }

    @Override
    public void sendCode(PhoneNumber to, String code, SmsTemplate template) throws SmsSendException {
        if (client == null) {
            throw new SmsSendException(SmsFailure.MISCONFIGURED,
                    "Aliyun SMS is not configured; missing options: " + settings.missingOptions());
        }
        bulkhead.send(to, () -> checkReply(to, call(to, code, template)));
    }

    private CommonResponse call(PhoneNumber to, String code, SmsTemplate template) throws SmsSendException {
        try {
            return client.getCommonResponse(request(to, code, template));
        } catch (ServerException e) {
            throw SmsSendException.notSent(AliyunErrorCodes.failureFor(e.getErrCode()),
                    "Aliyun SendSms failed for " + to.masked() + ": HTTP error " + e.getErrCode() + " (request " + e.getRequestId() + ")", null);
        } catch (ClientException e) {
            String message = "Aliyun SendSms failed for " + to.masked() + ": " + e.getErrCode() + " (request " + e.getRequestId() + ")";
            if (isTransportFailure(e) && !SendFailures.neverReached(e)) {
                throw SmsSendException.unconfirmed(message + ", no answer after the request went out", null);
            }
            throw SmsSendException.notSent(AliyunErrorCodes.failureFor(e.getErrCode()), message, null);
        } catch (RuntimeException e) {
            throw SmsSendException.unconfirmed("Aliyun SendSms failed for " + to.masked() + ": " + e.getClass().getSimpleName(), null);
        }
    }

    private CommonRequest request(PhoneNumber to, String code, SmsTemplate template) {
        SenderConnection connection = settings.connection();
        CommonRequest request = AliyunRpc.request(connection.protocol(), connection.endpoint(), connection.connectTimeoutMillis(),
                connection.readTimeoutMillis(), API_VERSION, "SendSms");
        request.putQueryParameter("RegionId", settings.regionId());
        request.putQueryParameter("PhoneNumbers", aliyunNumber(to));
        // a flow's own sign name and template (another brand's realm) come before the server's for the purpose
        request.putQueryParameter("SignName", template.signName() != null ? template.signName() : settings.signName());
        request.putQueryParameter("TemplateCode", template.templateCode() != null ? template.templateCode()
                : settings.templateCodeFor(template.purpose()));
        JsonObject templateParam = new JsonObject();
        templateParam.addProperty(settings.templateParam(), code);
        request.putQueryParameter("TemplateParam", templateParam.toString());
        return request;
    }

    /**
     * Mainland China numbers go as the 11-digit national number; other regions as country code and number
     * without {@code +} or {@code 00} (Aliyun's documented form for international messages).
     */
    static String aliyunNumber(PhoneNumber number) {
        if (number.countryCode() == CHINA_COUNTRY_CODE) {
            return number.nationalNumber();
        }
        return number.countryCode() + number.nationalNumber();
    }

    /** The SDK names its own failures (no answer from Aliyun) {@code SDK.*}; Aliyun's answers carry Aliyun's codes. */
    private static boolean isTransportFailure(ClientException e) {
        return e.getErrCode() == null || e.getErrCode().startsWith("SDK.");
    }

    private static void checkReply(PhoneNumber to, CommonResponse response) throws SmsSendException {
        JsonObject body;
        try {
            body = JsonParser.parseString(response.getData()).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException | NullPointerException e) {
            throw SmsSendException.unconfirmed("Aliyun SendSms for " + to.masked() + " answered HTTP " + response.getHttpStatus()
                    + " with a body that is not a JSON object", null);
        }
        String code = body.has("Code") && !body.get("Code").isJsonNull() ? body.get("Code").getAsString() : null;
        if ("OK".equals(code)) {
            return;
        }
        String requestId = body.has("RequestId") ? body.get("RequestId").getAsString() : "?";
        throw new SmsSendException(AliyunErrorCodes.failureFor(code),
                "Aliyun SendSms refused " + to.masked() + ": Code=" + code + " (request " + requestId + ")");
    }
}
