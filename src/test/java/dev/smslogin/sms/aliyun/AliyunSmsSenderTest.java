package dev.smslogin.sms.aliyun;

import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.sms.SendBulkhead;
import dev.smslogin.sms.SenderChecks;
import dev.smslogin.sms.SmsFailure;
import dev.smslogin.sms.SmsPurpose;
import dev.smslogin.sms.SmsSendException;
import dev.smslogin.sms.SmsTemplate;
import dev.smslogin.testing.FakeAliyunSms.Misbehaviour;
import dev.smslogin.testing.FakeAliyunSms;
import com.aliyuncs.DefaultAcsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.smslogin.sms.SmsPurpose.LOGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real Aliyun SDK client against the local fake, which checks signatures as Aliyun does. */
class AliyunSmsSenderTest {

    private static final PhoneNumber MAINLAND = PhoneNumber.fromE164("+8613912345678");
    private static final SendBulkhead BULKHEAD = new SendBulkhead(8);
    private static FakeAliyunSms fake;
    private static DefaultAcsClient client;
    private static AliyunSettings settings;

    @BeforeAll
    static void start() throws Exception {
        fake = FakeAliyunSms.start();
        settings = settings(Map.of());
        client = AliyunSmsSenderFactory.newClient(settings);
    }

    static AliyunSettings settings(Map<String, String> overrides) {
        Map<String, String> options = new HashMap<>(Map.of(
                "access-key-id", FakeAliyunSms.ACCESS_KEY_ID,
                "access-key-secret", FakeAliyunSms.ACCESS_KEY_SECRET,
                "sign-name", FakeAliyunSms.SIGN_NAME,
                "template-code", FakeAliyunSms.TEMPLATE_CODE,
                "endpoint", fake.endpoint(),
                "protocol", "http",
                "read-timeout-ms", "1000"));
        options.putAll(overrides);
        return AliyunSettings.from(options::get);
    }

    @AfterAll
    static void stop() {
        client.shutdown();
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    @Test
    @DisplayName("given Aliyun accepts, then one signed SendSms carries the national number, sign name, template and code")
    void sends() throws Exception {
        new AliyunSmsSender(client, settings, BULKHEAD).sendCode(MAINLAND, "012345", SmsTemplate.of(LOGIN));

        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.messages()).singleElement().satisfies(m -> {
            assertThat(m.phoneNumbers()).isEqualTo("13912345678");
            assertThat(m.signName()).isEqualTo(FakeAliyunSms.SIGN_NAME);
            assertThat(m.templateCode()).isEqualTo(FakeAliyunSms.TEMPLATE_CODE);
            assertThat(m.templateParam()).isEqualTo("{\"code\":\"012345\"}");
        });
    }

    @Test
    @DisplayName("each purpose goes out in its own template where the server names one, else in template-code; a flow's"
            + " sign name and template come before the server's")
    void templatesPerPurposeAndFlow() throws Exception {
        AliyunSettings perPurpose = settings(Map.of(
                "template-code-second-factor", FakeAliyunSms.TEMPLATE_CODE_SECOND_FACTOR,
                "template-code-reset", FakeAliyunSms.TEMPLATE_CODE_RESET));
        AliyunSmsSender sender = new AliyunSmsSender(client, perPurpose, BULKHEAD);
        sender.sendCode(MAINLAND, "111111", SmsTemplate.of(SmsPurpose.SECOND_FACTOR));
        sender.sendCode(MAINLAND, "222222", SmsTemplate.of(SmsPurpose.RESET));
        sender.sendCode(MAINLAND, "333333", SmsTemplate.of(SmsPurpose.VERIFY));
        sender.sendCode(MAINLAND, "444444", new SmsTemplate(SmsPurpose.RESET, FakeAliyunSms.OTHER_BRAND_SIGN_NAME,
                FakeAliyunSms.OTHER_BRAND_TEMPLATE_CODE));

        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.messages()).extracting(FakeAliyunSms.Message::templateCode).containsExactly(
                FakeAliyunSms.TEMPLATE_CODE_SECOND_FACTOR, FakeAliyunSms.TEMPLATE_CODE_RESET, FakeAliyunSms.TEMPLATE_CODE,
                FakeAliyunSms.OTHER_BRAND_TEMPLATE_CODE);
        assertThat(fake.messages()).extracting(FakeAliyunSms.Message::signName).containsExactly(
                FakeAliyunSms.SIGN_NAME, FakeAliyunSms.SIGN_NAME, FakeAliyunSms.SIGN_NAME, FakeAliyunSms.OTHER_BRAND_SIGN_NAME);
    }

    @Test
    @DisplayName("template-code may be left out only when every purpose has its own template")
    void templateCodeNeededForPurposesWithoutTheirOwn() {
        Map<String, String> noDefault = new HashMap<>(Map.of("template-code", ""));
        assertThat(settings(noDefault).missingOptions()).containsExactly("template-code");
        for (SmsPurpose purpose : SmsPurpose.values()) {
            noDefault.put(AliyunSettings.templateCodeOption(purpose), "SMS_1");
        }
        assertThat(settings(noDefault).missingOptions()).isEmpty();
    }

    @Test
    void theTemplateVariableIsConfigurable() throws Exception {
        new AliyunSmsSender(client, settings(Map.of("template-param", "otp")), BULKHEAD).sendCode(MAINLAND, "654321", SmsTemplate.of(LOGIN));
        assertThat(fake.messages()).singleElement().satisfies(m -> assertThat(m.templateParam()).isEqualTo("{\"otp\":\"654321\"}"));
    }

    @Test
    @DisplayName("given a wrong secret, then Aliyun's signature check refuses it and the admin must act")
    void wrongSecret() {
        DefaultAcsClient wrong = AliyunSmsSenderFactory.newClient(settings(Map.of("access-key-secret", "not-the-secret")));
        try {
            assertFailure(new AliyunSmsSender(wrong, settings, BULKHEAD), SmsFailure.MISCONFIGURED);
            assertThat(fake.rejections()).containsExactly("SignatureDoesNotMatch");
            assertThat(fake.messages()).isEmpty();
        } finally {
            wrong.shutdown();
        }
    }

    @Test
    @DisplayName("given a business error with HTTP 200, then it is a failure, not a success")
    void businessErrorsArriveWithHttp200() {
        fake.misbehave(Misbehaviour.businessError("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5"));
        assertFailure(new AliyunSmsSender(client, settings, BULKHEAD), SmsFailure.NUMBER_LIMITED);
        fake.misbehave(Misbehaviour.businessError("isv.MOBILE_NUMBER_ILLEGAL", "invalid mobile number"));
        assertFailure(new AliyunSmsSender(client, settings, BULKHEAD), SmsFailure.INVALID_NUMBER);
    }

    @Test
    @DisplayName("given Aliyun answering 500 or 503, then it is an outage and nothing was sent; given garbage, the message may have gone out")
    void serverErrorsAndGarbageAreOutages() {
        fake.misbehave(Misbehaviour.httpError(503));
        assertFailure(new AliyunSmsSender(client, settings, BULKHEAD), SmsFailure.UNAVAILABLE);
        fake.misbehave(Misbehaviour.httpError(500));
        assertFailure(new AliyunSmsSender(client, settings, BULKHEAD), SmsFailure.UNAVAILABLE);
        fake.misbehave(Misbehaviour.malformed());
        assertUnconfirmed(new AliyunSmsSender(client, settings, BULKHEAD));
    }

    @Test
    @DisplayName("given Aliyun slower than the read timeout, then the send fails within the timeout and is not retried")
    void slowReplyTimesOutWithoutRetry() {
        fake.misbehave(Misbehaviour.slow(Duration.ofMillis(2500)));
        long started = System.nanoTime();
        assertUnconfirmed(new AliyunSmsSender(client, settings, BULKHEAD));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMillis).as("one attempt, bounded by the 1000 ms read timeout").isLessThan(2400);
        fake.behave();
        SenderChecks.sleep(1700);
        assertThat(fake.messages()).as("the slow request was accepted once by the fake, never re-sent").hasSizeLessThanOrEqualTo(1);
    }

    @Test
    @DisplayName("given nothing listening at the endpoint, then it is an outage and nothing was sent")
    void unreachableEndpointIsAnOutage() {
        DefaultAcsClient unreachable = AliyunSmsSenderFactory.newClient(settings(Map.of("endpoint", "127.0.0.1:1")));
        try {
            assertFailure(new AliyunSmsSender(unreachable, settings(Map.of("endpoint", "127.0.0.1:1")), BULKHEAD), SmsFailure.UNAVAILABLE);
        } finally {
            unreachable.shutdown();
        }
    }

    @Test
    @DisplayName("given more sends at once than max-concurrent-sends, then the others are refused at once, not sent, and the places free up")
    void bulkheadRefusesSendsBeyondItsCapacity() throws Exception {
        SendBulkhead bulkhead = new SendBulkhead(2);
        AliyunSmsSender sender = new AliyunSmsSender(client, settings, bulkhead);
        fake.misbehave(Misbehaviour.slow(Duration.ofMillis(900)));
        assertThat(SenderChecks.sendAtOnce(sender, MAINLAND, 6)).filteredOn(f -> f == SmsFailure.BUSY).hasSize(4);
        assertThat(bulkhead.inFlight()).isZero();
        assertThat(fake.requests()).as("only the two admitted sends reached Aliyun").isEqualTo(2);
        fake.behave();
        sender.sendCode(MAINLAND, "654321", SmsTemplate.of(LOGIN));
    }

    @Test
    void anUnconfiguredSenderRefusesEverySend() {
        AliyunSettings unconfigured = AliyunSettings.from(Map.<String, String>of()::get);
        assertThatThrownBy(() -> new AliyunSmsSender(null, unconfigured, BULKHEAD).sendCode(MAINLAND, "123456", SmsTemplate.of(LOGIN)))
                .isInstanceOf(SmsSendException.class)
                .hasMessageContaining("access-key-id")
                .satisfies(e -> assertThat(((SmsSendException) e).failure()).isEqualTo(SmsFailure.MISCONFIGURED));
    }

    @Test
    void failureMessagesNeverContainTheCodeOrTheFullNumber() {
        fake.misbehave(Misbehaviour.businessError("isv.BUSINESS_LIMIT_CONTROL", "limit"));
        assertThatThrownBy(() -> new AliyunSmsSender(client, settings, BULKHEAD).sendCode(MAINLAND, "987654", SmsTemplate.of(LOGIN)))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("987654").doesNotContain("13912345678").contains("+86139****5678"));
    }

    /** A refusal, or Aliyun never reached: the message was not sent. */
    private static void assertFailure(AliyunSmsSender sender, SmsFailure expected) {
        SenderChecks.assertNotSent(sender, MAINLAND, expected);
    }

    /** The request went out and no usable answer came back: the message may reach the phone. */
    private static void assertUnconfirmed(AliyunSmsSender sender) {
        SenderChecks.assertUnconfirmed(sender, MAINLAND);
    }
}
