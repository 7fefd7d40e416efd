package dev.smslogin.sms.twilio;

import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.sms.SendBulkhead;
import dev.smslogin.sms.SenderChecks;
import dev.smslogin.sms.SmsFailure;
import dev.smslogin.sms.SmsPurpose;
import dev.smslogin.sms.SmsSendException;
import dev.smslogin.sms.SmsTemplate;
import dev.smslogin.testing.FakeTwilio;
import dev.smslogin.testing.FakeVendorApi.Misbehaviour;
import org.apache.http.impl.client.CloseableHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import static dev.smslogin.sms.SenderChecks.assertNotSent;
import static dev.smslogin.sms.SenderChecks.assertUnconfirmed;
import static dev.smslogin.sms.SmsPurpose.LOGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Twilio sender on the factory's HTTP client against the local fake, which checks the account's Basic credentials. */
class TwilioSmsSenderTest {

    private static final PhoneNumber US = PhoneNumber.fromE164("+14155552671");
    private static final SendBulkhead BULKHEAD = new SendBulkhead(8);
    private static final Function<SmsPurpose, String> NO_THEME = purpose -> null;
    private static FakeTwilio fake;
    private static CloseableHttpClient http;

    @BeforeAll
    static void start() throws Exception {
        fake = FakeTwilio.start();
        http = TwilioSmsSender.newHttpClient(8);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    static TwilioSettings settings(Map<String, String> overrides) {
        Map<String, String> options = new HashMap<>(Map.of(
                "account-sid", FakeTwilio.ACCOUNT_SID,
                "auth-token", FakeTwilio.AUTH_TOKEN,
                "from", FakeTwilio.FROM,
                "endpoint", fake.endpoint(),
                "protocol", "http",
                "read-timeout-ms", "1000"));
        options.putAll(overrides);
        options.values().removeIf(String::isEmpty);
        return TwilioSettings.from(options::get);
    }

    private static TwilioSmsSender sender(Map<String, String> overrides) {
        return new TwilioSmsSender(settings(overrides), http, BULKHEAD, NO_THEME);
    }

    private static TwilioSmsSender sender() {
        return sender(Map.of());
    }

    @Test
    @DisplayName("given Twilio accepts, then one authenticated Messages call carries To in E.164, From and a text with the code")
    void sends() throws Exception {
        sender().sendCode(US, "012345", SmsTemplate.of(LOGIN));

        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.messagesTo("+14155552671")).singleElement().satisfies(m -> {
            assertThat(m.from()).isEqualTo(FakeTwilio.FROM);
            assertThat(m.messagingServiceSid()).isNull();
            assertThat(m.body()).isEqualTo("Your verification code is 012345. Do not share it with anyone.");
            assertThat(m.code()).isEqualTo("012345");
        });
    }

    @Test
    @DisplayName("with a Messaging Service, the service picks the sender: MessagingServiceSid, no From")
    void messagingService() throws Exception {
        sender(Map.of("from", "", "messaging-service-sid", FakeTwilio.MESSAGING_SERVICE_SID)).sendCode(US, "123456", SmsTemplate.of(LOGIN));

        assertThat(fake.messages()).singleElement().satisfies(m -> {
            assertThat(m.messagingServiceSid()).isEqualTo(FakeTwilio.MESSAGING_SERVICE_SID);
            assertThat(m.from()).isNull();
        });
    }

    @Test
    @DisplayName("the text: the purpose's option, else message, else the theme's in the user's language, else the built-in one")
    void textsPerPurposeAndLanguage() throws Exception {
        Function<SmsPurpose, String> chinese = purpose -> purpose == SmsPurpose.RESET ? "您正在重置密码，验证码为 {code}。" : null;
        TwilioSmsSender sender = new TwilioSmsSender(settings(Map.of(
                "message-second-factor", "{code} is your second-factor code",
                "message-verify", "Confirm with {code}")), http, BULKHEAD, chinese);
        sender.sendCode(US, "111111", SmsTemplate.of(SmsPurpose.SECOND_FACTOR));
        sender.sendCode(US, "222222", SmsTemplate.of(SmsPurpose.VERIFY));
        sender.sendCode(US, "333333", SmsTemplate.of(SmsPurpose.RESET));
        sender.sendCode(US, "444444", SmsTemplate.of(SmsPurpose.LOGIN));
        new TwilioSmsSender(settings(Map.of("message", "Code: {code}")), http, BULKHEAD, chinese)
                .sendCode(US, "555555", SmsTemplate.of(SmsPurpose.RESET));

        assertThat(fake.messages()).extracting(FakeTwilio.Message::body).containsExactly(
                "111111 is your second-factor code", "Confirm with 222222", "您正在重置密码，验证码为 333333。",
                "Your verification code is 444444. Do not share it with anyone.", "Code: 555555");
    }

    @Test
    @DisplayName("given a wrong Auth Token, then Twilio's 20003 says the admin must act")
    void wrongToken() {
        assertNotSent(sender(Map.of("auth-token", "00000000000000000000000000000bad")), US, SmsFailure.MISCONFIGURED);
        assertThat(fake.rejections()).hasSize(1);
        assertThat(fake.messages()).isEmpty();
    }

    @Test
    @DisplayName("given a From that is not the account's, then Twilio's 21606 says the admin must act")
    void wrongFrom() {
        assertNotSent(sender(Map.of("from", "+15550000000")), US, SmsFailure.MISCONFIGURED);
        assertThat(fake.messages()).isEmpty();
    }

    @Test
    @DisplayName("Twilio's errors map to what the user should do: the number's own, the account's, limits, outages")
    void errorsMapped() {
        fake.misbehave(FakeTwilio.refuse(21211));
        assertNotSent(sender(), US, SmsFailure.INVALID_NUMBER);
        fake.misbehave(FakeTwilio.refuse(21610));
        assertNotSent(sender(), US, SmsFailure.INVALID_NUMBER);
        fake.misbehave(FakeTwilio.refuse(21614));
        assertNotSent(sender(), US, SmsFailure.INVALID_NUMBER);
        fake.misbehave(FakeTwilio.refuse(21408));
        assertNotSent(sender(), US, SmsFailure.MISCONFIGURED);
        fake.misbehave(FakeTwilio.refuse(20429));
        assertNotSent(sender(), US, SmsFailure.RATE_LIMITED);
        fake.misbehave(FakeTwilio.refuse(20503));
        assertNotSent(sender(), US, SmsFailure.UNAVAILABLE);
        fake.misbehave(FakeTwilio.refuse(29999));
        assertNotSent(sender(), US, SmsFailure.UNAVAILABLE);
        assertThat(fake.messages()).isEmpty();
    }

    @Test
    @DisplayName("given a gateway's 503 or 429 page, then nothing was sent; a 504, garbage or a hang-up: the message may have gone out")
    void outagesAndUnknownFates() {
        fake.misbehave(Misbehaviour.gatewayError(503));
        assertNotSent(sender(), US, SmsFailure.UNAVAILABLE);
        fake.misbehave(Misbehaviour.gatewayError(429));
        assertNotSent(sender(), US, SmsFailure.RATE_LIMITED);
        fake.misbehave(Misbehaviour.gatewayError(504));
        assertUnconfirmed(sender(), US);
        fake.misbehave(Misbehaviour.answer(201, "<html>ok</html>"));
        assertUnconfirmed(sender(), US);
        fake.misbehave(Misbehaviour.hangUp());
        assertUnconfirmed(sender(), US);
        assertThat(fake.requests()).as("each send one request, none retried").isEqualTo(5);
    }

    @Test
    @DisplayName("given Twilio slower than the read timeout, then the send fails within the timeout and is not retried")
    void slowReplyTimesOutWithoutRetry() {
        fake.misbehave(Misbehaviour.slow(Duration.ofMillis(2500)));
        long started = System.nanoTime();
        assertUnconfirmed(sender(), US);
        assertThat((System.nanoTime() - started) / 1_000_000).as("one attempt, bounded by the 1000 ms read timeout").isLessThan(2400);
        fake.behave();
        SenderChecks.sleep(1700);
        assertThat(fake.requests()).as("never re-sent").isEqualTo(1);
    }

    @Test
    @DisplayName("given nothing listening at the endpoint, then it is an outage and nothing was sent")
    void unreachableEndpointIsAnOutage() {
        assertNotSent(sender(Map.of("endpoint", "127.0.0.1:1")), US, SmsFailure.UNAVAILABLE);
    }

    @Test
    @DisplayName("given more sends at once than max-concurrent-sends, then the others are refused at once, not sent, and the places free up")
    void bulkheadRefusesSendsBeyondItsCapacity() throws Exception {
        SendBulkhead bulkhead = new SendBulkhead(2);
        TwilioSmsSender sender = new TwilioSmsSender(settings(Map.of()), http, bulkhead, NO_THEME);
        fake.misbehave(Misbehaviour.slow(Duration.ofMillis(900)));

        assertThat(SenderChecks.sendAtOnce(sender, US, 6)).filteredOn(f -> f == SmsFailure.BUSY).hasSize(4);
        assertThat(bulkhead.inFlight()).isZero();
        assertThat(fake.requests()).as("only the two admitted sends reached Twilio").isEqualTo(2);
        fake.behave();
        sender.sendCode(US, "654321", SmsTemplate.of(LOGIN));
    }

    @Test
    void anUnconfiguredSenderRefusesEverySend() {
        TwilioSmsSender unconfigured = new TwilioSmsSender(TwilioSettings.from(Map.<String, String>of()::get), http, BULKHEAD, NO_THEME);
        assertThatThrownBy(() -> unconfigured.sendCode(US, "123456", SmsTemplate.of(LOGIN)))
                .isInstanceOf(SmsSendException.class)
                .hasMessageContaining("account-sid")
                .satisfies(e -> assertThat(((SmsSendException) e).failure()).isEqualTo(SmsFailure.MISCONFIGURED));
        assertThat(fake.requests()).isZero();
    }
}
