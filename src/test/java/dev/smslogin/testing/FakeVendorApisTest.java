package dev.smslogin.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The fakes refuse what the vendors refuse: hand-made requests, signed right and wrong. */
class FakeVendorApisTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Nested
    class Tencent {

        private static FakeTencentSms fake;

        @BeforeAll
        static void start() throws Exception {
            fake = FakeTencentSms.start();
        }

        @AfterAll
        static void stop() {
            fake.close();
        }

        @BeforeEach
        void reset() {
            fake.reset();
        }

        private static final String BODY = "{\"PhoneNumberSet\":[\"+8613912345678\"],\"SmsSdkAppId\":\"" + FakeTencentSms.SDK_APP_ID
                + "\",\"SignName\":\"" + FakeTencentSms.SIGN_NAME + "\",\"TemplateId\":\"" + FakeTencentSms.TEMPLATE_ID
                + "\",\"TemplateParamSet\":[\"123456\"]}";

        private JsonNode send(String secretKey, long timestamp, String service, String signedBody, String sentBody) throws Exception {
            Map<String, String> signed = new LinkedHashMap<>();
            signed.put("content-type", "application/json; charset=utf-8");
            signed.put("host", fake.address());
            String authorization = TencentSignature.authorization(FakeTencentSms.SECRET_ID, secretKey, timestamp, service, "POST",
                    signed, signedBody.getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + fake.address() + "/"))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Authorization", authorization)
                    .header("X-TC-Action", "SendSms")
                    .header("X-TC-Version", "2021-01-11")
                    .header("X-TC-Region", "ap-guangzhou")
                    .header("X-TC-Timestamp", String.valueOf(timestamp))
                    .POST(HttpRequest.BodyPublishers.ofString(sentBody)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return JSON.readTree(response.body()).path("Response");
        }

        private String errorCode(JsonNode response) {
            return response.path("Error").path("Code").asText(null);
        }

        @Test
        @DisplayName("a request signed with the secret key for the sms service is sent: SendStatus Ok, the code recorded")
        void signedRequestIsSent() throws Exception {
            JsonNode response = send(FakeTencentSms.SECRET_KEY, Instant.now().getEpochSecond(), "sms", BODY, BODY);

            assertThat(errorCode(response)).isNull();
            assertThat(response.path("SendStatusSet").get(0).path("Code").asText()).isEqualTo("Ok");
            assertThat(fake.lastCodeTo("+8613912345678")).isEqualTo("123456");
            assertThat(fake.rejections()).isEmpty();
        }

        @Test
        @DisplayName("a wrong key, another service, a changed body or a timestamp over five minutes off is refused and nothing is sent")
        void badSignaturesAreRefused() throws Exception {
            long now = Instant.now().getEpochSecond();
            assertThat(errorCode(send("wrong", now, "sms", BODY, BODY))).isEqualTo("AuthFailure.SignatureFailure");
            assertThat(errorCode(send(FakeTencentSms.SECRET_KEY, now, "cvm", BODY, BODY))).isEqualTo("AuthFailure.SignatureFailure");
            assertThat(errorCode(send(FakeTencentSms.SECRET_KEY, now, "sms", BODY, BODY.replace("123456", "654321"))))
                    .isEqualTo("AuthFailure.SignatureFailure");
            assertThat(errorCode(send(FakeTencentSms.SECRET_KEY, now - 301, "sms", BODY, BODY))).isEqualTo("AuthFailure.SignatureExpire");

            assertThat(fake.messages()).isEmpty();
            assertThat(fake.rejections()).hasSize(4);
        }

        @Test
        @DisplayName("a number refused on its own comes back in SendStatusSet with Tencent's code, and is not recorded")
        void numberRefusedInItsSendStatus() throws Exception {
            fake.refuseEachNumber("LimitExceeded.PhoneNumberDailyLimit");
            JsonNode response = send(FakeTencentSms.SECRET_KEY, Instant.now().getEpochSecond(), "sms", BODY, BODY);

            assertThat(errorCode(response)).isNull();
            assertThat(response.path("SendStatusSet").get(0).path("Code").asText()).isEqualTo("LimitExceeded.PhoneNumberDailyLimit");
            assertThat(fake.messages()).isEmpty();
        }

        @Test
        void unapprovedSignNamesAndTemplatesAreRefused() throws Exception {
            String otherSign = BODY.replace(FakeTencentSms.SIGN_NAME, "未审批");
            String otherTemplate = BODY.replace(FakeTencentSms.TEMPLATE_ID, "999");
            long now = Instant.now().getEpochSecond();
            assertThat(errorCode(send(FakeTencentSms.SECRET_KEY, now, "sms", otherSign, otherSign))).isEqualTo("FailedOperation.SignatureIncorrectOrUnapproved");
            assertThat(errorCode(send(FakeTencentSms.SECRET_KEY, now, "sms", otherTemplate, otherTemplate))).isEqualTo("FailedOperation.TemplateIncorrectOrUnapproved");
            assertThat(fake.messages()).isEmpty();
        }
    }

    @Nested
    class Twilio {

        private static FakeTwilio fake;

        @BeforeAll
        static void start() throws Exception {
            fake = FakeTwilio.start();
        }

        @AfterAll
        static void stop() {
            fake.close();
        }

        @BeforeEach
        void reset() {
            fake.reset();
        }

        private HttpResponse<String> send(String account, String token, Map<String, String> form) throws Exception {
            String body = form.entrySet().stream()
                    .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + fake.endpoint() + "/2010-04-01/Accounts/" + FakeTwilio.ACCOUNT_SID + "/Messages.json"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((account + ":" + token).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        @Test
        @DisplayName("the account's Basic credentials and a valid form: 201, the message recorded with its code")
        void sent() throws Exception {
            HttpResponse<String> response = send(FakeTwilio.ACCOUNT_SID, FakeTwilio.AUTH_TOKEN,
                    Map.of("To", "+14155552671", "From", FakeTwilio.FROM, "Body", "Your code is 123456"));

            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(JSON.readTree(response.body()).path("sid").asText()).startsWith("SM");
            assertThat(fake.lastCodeTo("+14155552671")).isEqualTo("123456");
        }

        @Test
        @DisplayName("a wrong Auth Token: 401 with Twilio's error 20003, nothing sent")
        void wrongToken() throws Exception {
            HttpResponse<String> response = send(FakeTwilio.ACCOUNT_SID, "wrong",
                    Map.of("To", "+14155552671", "From", FakeTwilio.FROM, "Body", "Your code is 123456"));

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(response.body()).path("code").asInt()).isEqualTo(20003);
            assertThat(fake.messages()).isEmpty();
            assertThat(fake.rejections()).hasSize(1);
        }

        @Test
        void invalidFormsAreRefusedWithTwiliosCodes() throws Exception {
            assertThat(JSON.readTree(send(FakeTwilio.ACCOUNT_SID, FakeTwilio.AUTH_TOKEN,
                    Map.of("To", "0415", "From", FakeTwilio.FROM, "Body", "x")).body()).path("code").asInt()).isEqualTo(21211);
            assertThat(JSON.readTree(send(FakeTwilio.ACCOUNT_SID, FakeTwilio.AUTH_TOKEN,
                    Map.of("To", "+14155552671", "Body", "x")).body()).path("code").asInt()).isEqualTo(21603);
            assertThat(JSON.readTree(send(FakeTwilio.ACCOUNT_SID, FakeTwilio.AUTH_TOKEN,
                    Map.of("To", "+14155552671", "From", "+15550000000", "Body", "x")).body()).path("code").asInt()).isEqualTo(21606);
            assertThat(fake.messages()).isEmpty();
        }
    }
}
