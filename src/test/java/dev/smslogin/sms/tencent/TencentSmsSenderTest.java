package dev.smslogin.sms.tencent;

import dev.smslogin.cloudsdk.TencentClients;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.sms.SendBulkhead;
import dev.smslogin.sms.SenderChecks;
import dev.smslogin.sms.SmsFailure;
import dev.smslogin.sms.SmsPurpose;
import dev.smslogin.sms.SmsSendException;
import dev.smslogin.sms.SmsTemplate;
import dev.smslogin.testing.FakeTencentSms;
import dev.smslogin.testing.FakeVendorApi.Misbehaviour;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.smslogin.sms.SenderChecks.assertNotSent;
import static dev.smslogin.sms.SenderChecks.assertUnconfirmed;
import static dev.smslogin.sms.SmsPurpose.LOGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tencent's SDK, on the factory's HTTP client, against the local fake, which checks the TC3 signature as Tencent does. */
class TencentSmsSenderTest {

    private static final PhoneNumber MAINLAND = PhoneNumber.fromE164("+8613912345678");
    private static final PhoneNumber HONG_KONG = PhoneNumber.fromE164("+85251234567");
    private static final SendBulkhead BULKHEAD = new SendBulkhead(8);
    private static FakeTencentSms fake;
    private static OkHttpClient http;

    @BeforeAll
    static void start() throws Exception {
        fake = FakeTencentSms.start();
        // the product's client, with the fake's name on the loopback address (as a hosts file would)
        http = TencentClients.newHttpClient(8).newBuilder().dns(TencentSmsSenderTest::resolve).build();
    }

    private static List<InetAddress> resolve(String host) throws UnknownHostException {
        return host.equals(FakeTencentSms.HOST) ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host);
    }

    @AfterAll
    static void stop() {
        TencentClients.close(http);
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    static TencentSettings settings(Map<String, String> overrides) {
        Map<String, String> options = new HashMap<>(Map.of(
                "secret-id", FakeTencentSms.SECRET_ID,
                "secret-key", FakeTencentSms.SECRET_KEY,
                "sdk-app-id", FakeTencentSms.SDK_APP_ID,
                "sign-name", FakeTencentSms.SIGN_NAME,
                "template-id", FakeTencentSms.TEMPLATE_ID,
                "endpoint", fake.endpoint(),
                "protocol", "http",
                "read-timeout-ms", "1000"));
        options.putAll(overrides);
        return TencentSettings.from(options::get);
    }

    private static TencentSmsSender sender(Map<String, String> overrides) {
        return new TencentSmsSender(settings(overrides), http, BULKHEAD);
    }

    private static TencentSmsSender sender() {
        return sender(Map.of());
    }

    @Test
    @DisplayName("given Tencent accepts, then one signed SendSms carries the E.164 number, SdkAppId, sign name, template and the code as its parameter")
    void sends() throws Exception {
        sender().sendCode(MAINLAND, "012345", SmsTemplate.of(LOGIN));
        sender().sendCode(HONG_KONG, "543210", SmsTemplate.of(LOGIN));

        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.messagesTo("+8613912345678")).singleElement().satisfies(m -> {
            assertThat(m.smsSdkAppId()).isEqualTo(FakeTencentSms.SDK_APP_ID);
            assertThat(m.signName()).isEqualTo(FakeTencentSms.SIGN_NAME);
            assertThat(m.templateId()).isEqualTo(FakeTencentSms.TEMPLATE_ID);
            assertThat(m.templateParams()).containsExactly("012345");
            assertThat(m.region()).isEqualTo("ap-guangzhou");
        });
        assertThat(fake.lastCodeTo("+85251234567")).isEqualTo("543210");
    }

    @Test
    @DisplayName("each purpose goes out in its own template where one is named, else in template-id; a flow's sign name and template come first")
    void templatesPerPurposeAndFlow() throws Exception {
        TencentSmsSender sender = sender(Map.of(
                "template-id-second-factor", FakeTencentSms.TEMPLATE_ID_SECOND_FACTOR,
                "template-id-reset", FakeTencentSms.TEMPLATE_ID_RESET,
                "template-id-verify", FakeTencentSms.TEMPLATE_ID_VERIFY));
        sender.sendCode(MAINLAND, "111111", SmsTemplate.of(SmsPurpose.SECOND_FACTOR));
        sender.sendCode(MAINLAND, "222222", SmsTemplate.of(SmsPurpose.RESET));
        sender.sendCode(MAINLAND, "333333", SmsTemplate.of(SmsPurpose.VERIFY));
        sender.sendCode(MAINLAND, "444444", SmsTemplate.of(SmsPurpose.LOGIN));
        sender.sendCode(MAINLAND, "555555", new SmsTemplate(SmsPurpose.LOGIN, FakeTencentSms.OTHER_BRAND_SIGN_NAME,
                FakeTencentSms.OTHER_BRAND_TEMPLATE_ID));

        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.messages()).extracting(FakeTencentSms.Message::templateId).containsExactly(
                FakeTencentSms.TEMPLATE_ID_SECOND_FACTOR, FakeTencentSms.TEMPLATE_ID_RESET, FakeTencentSms.TEMPLATE_ID_VERIFY,
                FakeTencentSms.TEMPLATE_ID, FakeTencentSms.OTHER_BRAND_TEMPLATE_ID);
        assertThat(fake.messages()).extracting(FakeTencentSms.Message::signName).containsExactly(
                FakeTencentSms.SIGN_NAME, FakeTencentSms.SIGN_NAME, FakeTencentSms.SIGN_NAME, FakeTencentSms.SIGN_NAME,
                FakeTencentSms.OTHER_BRAND_SIGN_NAME);
    }

    @Test
    @DisplayName("another API region is signed and sent as X-TC-Region")
    void region() throws Exception {
        sender(Map.of("region", "ap-beijing")).sendCode(MAINLAND, "123456", SmsTemplate.of(LOGIN));
        assertThat(fake.messages()).singleElement().satisfies(m -> assertThat(m.region()).isEqualTo("ap-beijing"));
    }

    @Test
    @DisplayName("given a wrong secret key, then Tencent's signature check refuses it and the admin must act")
    void wrongSecret() {
        assertNotSent(sender(Map.of("secret-key", "not-the-key")), MAINLAND, SmsFailure.MISCONFIGURED);
        assertThat(fake.rejections()).containsExactly("AuthFailure.SignatureFailure");
        assertThat(fake.messages()).isEmpty();
    }

    @Test
    @DisplayName("given an unapproved sign name or template, or another SdkAppId, then the admin must act")
    void unapprovedSignNameOrTemplate() {
        assertNotSent(sender(Map.of("sign-name", "未审批")), MAINLAND, SmsFailure.MISCONFIGURED);
        assertNotSent(sender(Map.of("template-id", "999")), MAINLAND, SmsFailure.MISCONFIGURED);
        assertNotSent(sender(Map.of("sdk-app-id", "1400999999")), MAINLAND, SmsFailure.MISCONFIGURED);
        assertThat(fake.messages()).isEmpty();
    }

    @Test
    @DisplayName("given the call succeeds but the number's SendStatus is not Ok, then it is that number's failure, not a success")
    void perNumberStatusIsChecked() {
        fake.refuseEachNumber("LimitExceeded.PhoneNumberDailyLimit");
        assertNotSent(sender(), MAINLAND, SmsFailure.NUMBER_LIMITED);
        fake.refuseEachNumber("LimitExceeded.PhoneNumberThirtySecondLimit");
        assertNotSent(sender(), MAINLAND, SmsFailure.NUMBER_LIMITED);
        fake.refuseEachNumber("FailedOperation.PhoneNumberInBlacklist");
        assertNotSent(sender(), MAINLAND, SmsFailure.INVALID_NUMBER);
        fake.refuseEachNumber("InvalidParameterValue.IncorrectPhoneNumber");
        assertNotSent(sender(), MAINLAND, SmsFailure.INVALID_NUMBER);
        fake.refuseEachNumber("FailedOperation.InsufficientBalanceInSmsPackage");
        assertNotSent(sender(), MAINLAND, SmsFailure.MISCONFIGURED);
        assertThat(fake.messages()).isEmpty();
    }

    @Test
    @DisplayName("given Tencent refuses the call, then its Error.Code decides: limits, balance and approval, outage")
    void apiErrors() {
        fake.misbehave(FakeTencentSms.apiError("RequestLimitExceeded"));
        assertNotSent(sender(), MAINLAND, SmsFailure.RATE_LIMITED);
        fake.misbehave(FakeTencentSms.apiError("LimitExceeded.AppDailyLimit"));
        assertNotSent(sender(), MAINLAND, SmsFailure.RATE_LIMITED);
        fake.misbehave(FakeTencentSms.apiError("UnauthorizedOperation.ServiceSuspendDueToArrears"));
        assertNotSent(sender(), MAINLAND, SmsFailure.MISCONFIGURED);
        fake.misbehave(FakeTencentSms.apiError("FailedOperation.TemplateIncorrectOrUnapproved"));
        assertNotSent(sender(), MAINLAND, SmsFailure.MISCONFIGURED);
        fake.misbehave(FakeTencentSms.apiError("InternalError.Timeout"));
        assertNotSent(sender(), MAINLAND, SmsFailure.UNAVAILABLE);
    }

    @Test
    @DisplayName("given a gateway's 503 or 502, then it is an outage and nothing was sent; a 504, garbage or a hang-up: the message may have gone out")
    void outagesAndUnknownFates() {
        fake.misbehave(Misbehaviour.gatewayError(503));
        assertNotSent(sender(), MAINLAND, SmsFailure.UNAVAILABLE);
        fake.misbehave(Misbehaviour.gatewayError(502));
        assertNotSent(sender(), MAINLAND, SmsFailure.UNAVAILABLE);
        fake.misbehave(Misbehaviour.answer(503, ""));
        assertNotSent(sender(), MAINLAND, SmsFailure.UNAVAILABLE);
        fake.misbehave(Misbehaviour.gatewayError(504));
        assertUnconfirmed(sender(), MAINLAND);
        fake.misbehave(Misbehaviour.malformed());
        assertUnconfirmed(sender(), MAINLAND);
        fake.misbehave(Misbehaviour.answer(200, ""));
        assertUnconfirmed(sender(), MAINLAND);
        fake.misbehave(Misbehaviour.hangUp());
        assertUnconfirmed(sender(), MAINLAND);
        assertThat(fake.requests()).as("each send one request, none retried").isEqualTo(7);
    }

    @Test
    @DisplayName("given Tencent slower than the read timeout, then the send fails within the timeout and is not retried")
    void slowReplyTimesOutWithoutRetry() {
        fake.misbehave(Misbehaviour.slow(Duration.ofMillis(2500)));
        long started = System.nanoTime();
        assertUnconfirmed(sender(), MAINLAND);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMillis).as("one attempt, bounded by the 1000 ms read timeout").isLessThan(2400);
        fake.behave();
        SenderChecks.sleep(1700);
        assertThat(fake.requests()).as("never re-sent").isEqualTo(1);
    }

    @Test
    @DisplayName("given nothing listening at the endpoint, then it is an outage and nothing was sent")
    void unreachableEndpointIsAnOutage() {
        assertNotSent(sender(Map.of("endpoint", FakeTencentSms.HOST + ":1")), MAINLAND, SmsFailure.UNAVAILABLE);
    }

    @Test
    @DisplayName("given more sends at once than max-concurrent-sends, then the others are refused at once, not sent, and the places free up")
    void bulkheadRefusesSendsBeyondItsCapacity() throws Exception {
        SendBulkhead bulkhead = new SendBulkhead(2);
        TencentSmsSender sender = new TencentSmsSender(settings(Map.of()), http, bulkhead);
        fake.misbehave(Misbehaviour.slow(Duration.ofMillis(900)));

        assertThat(SenderChecks.sendAtOnce(sender, MAINLAND, 6)).filteredOn(f -> f == SmsFailure.BUSY).hasSize(4);
        assertThat(bulkhead.inFlight()).isZero();
        assertThat(fake.requests()).as("only the two admitted sends reached Tencent").isEqualTo(2);
        fake.behave();
        sender.sendCode(MAINLAND, "654321", SmsTemplate.of(LOGIN));
    }

    @Test
    void anUnconfiguredSenderRefusesEverySend() {
        TencentSmsSender unconfigured = new TencentSmsSender(TencentSettings.from(Map.<String, String>of()::get), http, BULKHEAD);
        assertThatThrownBy(() -> unconfigured.sendCode(MAINLAND, "123456", SmsTemplate.of(LOGIN)))
                .isInstanceOf(SmsSendException.class)
                .hasMessageContaining("secret-id")
                .satisfies(e -> assertThat(((SmsSendException) e).failure()).isEqualTo(SmsFailure.MISCONFIGURED));
        assertThat(fake.requests()).isZero();
    }
}
