package dev.smslogin.sms.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.sms.SendBulkhead;
import dev.smslogin.sms.SendFailures;
import dev.smslogin.sms.SenderConnection;
import dev.smslogin.sms.SmsFailure;
import dev.smslogin.sms.SmsPurpose;
import dev.smslogin.sms.SmsSendException;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.SmsTemplate;
import org.apache.http.HttpHeaders;
import org.apache.http.NameValuePair;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Sends a code with Twilio Programmable Messaging, {@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json}
 * (Twilio's documented REST API; its Java SDK would bring its own Jackson), over Keycloak's Apache HttpClient: the
 * account's Basic credentials, {@code To} in E.164, {@code From} and/or {@code MessagingServiceSid}, and the text
 * for the purpose with the code in it. Only a created Message ({@code sid}) is a sent one. Never retried.
 */
public final class TwilioSmsSender implements SmsSender {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TwilioSettings settings;
    private final CloseableHttpClient http;
    private final SendBulkhead bulkhead;
    private final Function<SmsPurpose, String> themeTexts;

    /**
     * @param http       the shared client ({@link #newHttpClient})
     * @param themeTexts the text of a purpose when the settings name none (null: the built-in one)
     */
    public TwilioSmsSender(TwilioSettings settings, CloseableHttpClient http, SendBulkhead bulkhead, Function<SmsPurpose, String> themeTexts) {
        this.settings = settings;
        this.http = http;
        this.bulkhead = bulkhead;
        this.themeTexts = themeTexts;
    }

    /**
     * The client every Twilio sender of this node shares: {@code maxConnections} pooled connections, no retry (a
     * retry after the request went out could send twice), no redirects or cookies; the JVM's proxy and trust
     * settings (Keycloak's truststore).
     */
    public static CloseableHttpClient newHttpClient(int maxConnections) {
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
        pool.setMaxTotal(maxConnections);
        pool.setDefaultMaxPerRoute(maxConnections);
        return HttpClients.custom()
                .setConnectionManager(pool)
                .useSystemProperties()
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    @Override
    public void sendCode(PhoneNumber to, String code, SmsTemplate template) throws SmsSendException {
        if (!settings.missingOptions().isEmpty()) {
            throw new SmsSendException(SmsFailure.MISCONFIGURED, "Twilio is not configured; missing options: " + settings.missingOptions());
        }
        HttpPost post = request(to, TwilioTexts.fill(text(template.purpose()), code));
        bulkhead.send(to, () -> call(to, post));
    }

    /** The settings' text for the purpose, else the theme's in the user's language, else the built-in one. */
    private String text(SmsPurpose purpose) {
        String text = settings.messageFor(purpose);
        if (text == null) {
            text = themeTexts.apply(purpose);
        }
        return text != null ? text : TwilioTexts.BUILT_IN;
    }

    private HttpPost request(PhoneNumber to, String text) {
        SenderConnection connection = settings.connection();
        HttpPost post = new HttpPost(connection.baseUrl() + "/2010-04-01/Accounts/"
                + URLEncoder.encode(settings.accountSid(), StandardCharsets.UTF_8) + "/Messages.json");
        post.setConfig(RequestConfig.custom()
                .setConnectTimeout(connection.connectTimeoutMillis())
                .setConnectionRequestTimeout(connection.connectTimeoutMillis())
                .setSocketTimeout(connection.readTimeoutMillis())
                .build());
        post.setHeader(HttpHeaders.AUTHORIZATION, "Basic " + Base64.getEncoder().encodeToString(
                (settings.accountSid() + ":" + settings.authToken()).getBytes(StandardCharsets.UTF_8)));
        post.setHeader(HttpHeaders.ACCEPT, "application/json");
        List<NameValuePair> form = new ArrayList<>();
        form.add(new BasicNameValuePair("To", to.e164()));
        if (settings.from() != null) {
            form.add(new BasicNameValuePair("From", settings.from()));
        }
        if (settings.messagingServiceSid() != null) {
            form.add(new BasicNameValuePair("MessagingServiceSid", settings.messagingServiceSid()));
        }
        form.add(new BasicNameValuePair("Body", text));
        post.setEntity(new UrlEncodedFormEntity(form, StandardCharsets.UTF_8));
        return post;
    }

    private void call(PhoneNumber to, HttpPost post) throws SmsSendException {
        String failed = "Twilio Messages failed for " + to.masked();
        int status;
        String body;
        try (CloseableHttpResponse response = http.execute(post)) {
            status = response.getStatusLine().getStatusCode();
            body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw SendFailures.transport(failed, e);
        } catch (RuntimeException e) {
            throw SmsSendException.unconfirmed(failed + ": " + e.getClass().getSimpleName(), null);
        }
        checkReply(to, status, json(body));
    }

    private static JsonNode json(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A created Message has a {@code sid}; Twilio's refusals carry a numeric {@code code} (never logged: its text names the number). */
    private static void checkReply(PhoneNumber to, int status, JsonNode reply) throws SmsSendException {
        if (status / 100 == 2 && reply != null && reply.path("sid").isTextual()) {
            String messageStatus = reply.path("status").asText("");
            if (!messageStatus.equals("failed") && !messageStatus.equals("undelivered")) {
                return;
            }
            int code = reply.path("error_code").asInt(0);
            throw new SmsSendException(TwilioErrorCodes.failureFor(code, status),
                    "Twilio Messages refused " + to.masked() + ": message " + reply.path("sid").asText() + " " + messageStatus + ", error " + code);
        }
        if (status / 100 != 2 && reply != null && reply.path("code").isInt()) {
            int code = reply.path("code").asInt();
            throw new SmsSendException(TwilioErrorCodes.failureFor(code, status),
                    "Twilio Messages refused " + to.masked() + ": error " + code + " (HTTP " + status + ", " + reply.path("more_info").asText("") + ")");
        }
        throw SendFailures.unreadableAnswer("Twilio Messages for " + to.masked(), status);
    }
}
