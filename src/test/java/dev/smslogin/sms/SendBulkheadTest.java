package dev.smslogin.sms;

import dev.smslogin.phone.PhoneNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendBulkheadTest {

    private static final PhoneNumber TO = PhoneNumber.fromE164("+8613912345678");

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<CountDownLatch> answers = new ArrayList<>();
    private final List<Future<?>> waiting = new ArrayList<>();

    @AfterEach
    void release() throws Exception {
        answers.forEach(CountDownLatch::countDown);
        for (Future<?> send : waiting) {
            send.get(5, TimeUnit.SECONDS);
        }
        threads.shutdownNow();
    }

    @Test
    @DisplayName("a provider's sends beyond its capacity are refused at once, and go through again once one ends")
    void providerCapacity() throws Exception {
        SendBulkhead aliyun = new SendBulkhead(2, new SendBulkhead.Budget());
        CountDownLatch first = new CountDownLatch(1);
        waitingSend(aliyun, first);
        waitingSend(aliyun, new CountDownLatch(1));
        assertThat(aliyun.inFlight()).isEqualTo(2);
        assertThatThrownBy(() -> aliyun.send(TO, () -> { })).isInstanceOfSatisfying(SmsSendException.class,
                e -> assertThat(e.failure()).isEqualTo(SmsFailure.BUSY));

        first.countDown();
        waiting.remove(0).get(5, TimeUnit.SECONDS);
        aliyun.send(TO, () -> { });
    }

    @Test
    @DisplayName("providers slow at the same time hold no more sends together than the largest capacity: the node's budget")
    void nodeBudget() throws Exception {
        SendBulkhead.Budget node = new SendBulkhead.Budget();
        SendBulkhead aliyun = new SendBulkhead(3, node);
        SendBulkhead tencent = new SendBulkhead(2, node);
        waitingSend(aliyun, new CountDownLatch(1));
        waitingSend(aliyun, new CountDownLatch(1));
        waitingSend(tencent, new CountDownLatch(1));
        assertThat(tencent.inFlight()).as("tencent has a place of its own left").isEqualTo(1);
        assertThatThrownBy(() -> tencent.send(TO, () -> { })).isInstanceOfSatisfying(SmsSendException.class,
                e -> assertThat(e.failure()).isEqualTo(SmsFailure.BUSY));
        assertThat(tencent.inFlight()).as("the refused send gave its provider's place back").isEqualTo(1);
        assertThatThrownBy(() -> aliyun.send(TO, () -> { })).isInstanceOf(SmsSendException.class);
    }

    /** A send that waits for the provider until {@code done}, started on another thread; returns once it is in flight. */
    private void waitingSend(SendBulkhead bulkhead, CountDownLatch done) throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        answers.add(done);
        waiting.add(threads.submit(() -> {
            bulkhead.send(TO, () -> {
                inFlight.countDown();
                try {
                    done.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return null;
        }));
        assertThat(inFlight.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
