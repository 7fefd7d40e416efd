package dev.smslogin.sms;

import dev.smslogin.phone.PhoneNumber;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every sender's tests check the same way. */
public final class SenderChecks {

    private SenderChecks() {
    }

    /** A refusal, or the provider never reached: {@code expected}, and the message was not sent. */
    public static SmsSendException assertNotSent(SmsSender sender, PhoneNumber to, SmsFailure expected) {
        SmsSendException e = failure(sender, to);
        assertThat(e.failure()).as(e.getMessage()).isEqualTo(expected);
        assertThat(e.mayHaveBeenDelivered()).as("may have been delivered: " + e.getMessage()).isFalse();
        return e;
    }

    /** The request went out and no usable answer came back: the message may reach the phone. */
    public static SmsSendException assertUnconfirmed(SmsSender sender, PhoneNumber to) {
        SmsSendException e = failure(sender, to);
        assertThat(e.failure()).as(e.getMessage()).isEqualTo(SmsFailure.UNAVAILABLE);
        assertThat(e.mayHaveBeenDelivered()).as("may have been delivered: " + e.getMessage()).isTrue();
        return e;
    }

    private static SmsSendException failure(SmsSender sender, PhoneNumber to) {
        SmsSendException[] thrown = new SmsSendException[1];
        assertThatThrownBy(() -> sender.sendCode(to, "123456", SmsTemplate.of(SmsPurpose.LOGIN)))
                .isInstanceOf(SmsSendException.class)
                .satisfies(e -> thrown[0] = (SmsSendException) e);
        assertThat(thrown[0].getMessage()).as("the log line").doesNotContain("123456").doesNotContain(to.e164()).contains(to.masked());
        return thrown[0];
    }

    /**
     * {@code count} sends started at once; the failure of each (null: sent). A send refused for the bulkhead must
     * say it was not sent.
     */
    public static List<SmsFailure> sendAtOnce(SmsSender sender, PhoneNumber to, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<SmsFailure>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        sender.sendCode(to, "123456", SmsTemplate.of(SmsPurpose.LOGIN));
                        return null;
                    } catch (SmsSendException e) {
                        if (e.failure() == SmsFailure.BUSY) {
                            assertThat(e.mayHaveBeenDelivered()).as("a refused send was not sent").isFalse();
                        }
                        return e.failure();
                    }
                }));
            }
            start.countDown();
            List<SmsFailure> failures = new ArrayList<>();
            for (Future<SmsFailure> result : results) {
                failures.add(result.get());
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
