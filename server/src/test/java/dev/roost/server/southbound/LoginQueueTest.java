package dev.roost.server.southbound;

import dev.roost.server.support.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginQueueTest {
    private static final long FLOOR = LoginQueue.RETRY_AFTER_FLOOR.toMillis();
    private static final Duration NO_WAIT_LIMIT = Duration.ofHours(1);

    private final AtomicLong nanos = new AtomicLong();
    private final CountDownLatch release = new CountDownLatch(1);

    @Test
    void loginsRunInArrivalOrder() throws Exception {
        try (LoginQueue queue = new LoginQueue(1, 100, NO_WAIT_LIMIT)) {
            List<Integer> ran = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int login = i;
                results.add(queue.submit(() -> {
                    ran.add(login);
                    return login;
                }).orElseThrow());
            }
            for (int i = 0; i < 50; i++) {
                assertThat(results.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i);
            }
            assertThat(ran).containsExactlyElementsOf(IntStream.range(0, 50).boxed().toList());
        }
    }

    @Test
    void aFullQueueRefuses_andTakesLoginsAgainOnceDrained() throws Exception {
        try (LoginQueue queue = new LoginQueue(1, 2, NO_WAIT_LIMIT, nanos::get)) {
            CompletableFuture<Boolean> blocking = occupyTheWorker(queue);
            assertThat(queue.submit(() -> true)).isPresent();
            assertThat(queue.submit(() -> true)).isPresent();
            assertThat(queue.submit(() -> true)).as("queue full").isEmpty();

            release.countDown();
            assertThat(blocking.get(5, TimeUnit.SECONDS)).isTrue();
            Await.until("the queue drained", () -> queue.waiting() == 0);
            assertThat(queue.submit(() -> true)).isPresent();
        }
    }

    @Test
    void aLoginThatWouldOutwaitTheAuthTimeoutIsRefusedAtOnce() throws Exception {
        // One worker, no rate measured yet: 25 logins/s assumed, so 1 s of waiting is 25 queued logins.
        try (LoginQueue queue = new LoginQueue(1, 1000, Duration.ofSeconds(1), nanos::get)) {
            occupyTheWorker(queue);
            int accepted = 0;
            while (queue.submit(() -> true).isPresent()) {
                accepted++;
            }
            assertThat(accepted).isEqualTo(LoginQueue.ASSUMED_LOGINS_PER_WORKER_SECOND + 1);
            assertThat(queue.waiting()).isEqualTo(accepted);
            release.countDown();
        }
    }

    @Test
    void refusedDevicesAreToldToComeBackOneAtATime_atTwiceTheAssumedLoginRate() throws Exception {
        // One worker, no rate measured yet: 25 logins/s assumed, paced at 50/s: a return every 20 ms.
        try (LoginQueue queue = new LoginQueue(1, 1, NO_WAIT_LIMIT, nanos::get)) {
            occupyTheWorker(queue);
            assertThat(queue.submit(() -> true)).isPresent();
            List<Long> returns = refuse(queue, 100);
            for (int i = 0; i < returns.size(); i++) {
                assertThat(returns.get(i)).as("device %d", i).isBetween(FLOOR + 20L * i, FLOOR + 20L * i + 19);
            }
            release.countDown();
        }
    }

    @Test
    void theScheduleIsPacedAtTwiceTheBestRateOfTheLastTenSeconds() throws Exception {
        try (LoginQueue queue = new LoginQueue(1, 1000, NO_WAIT_LIMIT, nanos::get)) {
            List<CompletableFuture<Boolean>> logins = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                logins.add(queue.submit(() -> true).orElseThrow());
            }
            for (CompletableFuture<Boolean> login : logins) {
                assertThat(login.get(5, TimeUnit.SECONDS)).isTrue();
            }
            // 100 logins in that second, none in the next: the schedule keeps that rate, paced at 200/s, 5 ms apart.
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            occupyTheWorker(queue);
            List<Long> returns = IntStream.range(0, 100).mapToObj(i -> queue.retryAfterMillis()).toList();
            // Each return carries a jitter below one interval (5 ms) and is cut to whole milliseconds: ±6.
            assertThat(returns.getLast() - returns.getFirst()).isBetween(99 * 5L - 6, 99 * 5L + 6);
            release.countDown();
        }
    }

    @Test
    void theScheduleStartsAfterTheQueueDrains_andAgainAtTheFloorOnceItHasPassed() throws Exception {
        try (LoginQueue queue = new LoginQueue(1, 1000, NO_WAIT_LIMIT, nanos::get)) {
            occupyTheWorker(queue);
            for (int i = 0; i < 500; i++) {
                assertThat(queue.submit(() -> true)).isPresent();
            }
            // 500 queued at the 50/s pace take 10 s: the first refused device comes back after them.
            assertThat(queue.retryAfterMillis()).isBetween(10_000L, 10_019L);
            assertThat(queue.retryAfterMillis()).isBetween(10_020L, 10_039L);
            release.countDown();
            Await.until("the queue drained", () -> queue.waiting() == 0);

            nanos.addAndGet(Duration.ofSeconds(30).toNanos());
            assertThat(queue.retryAfterMillis()).as("the earlier returns are past").isBetween(FLOOR, FLOOR + 19);
        }
    }

    @Test
    void noDeviceIsToldToWaitLongerThanTheMaximum() throws Exception {
        try (LoginQueue queue = new LoginQueue(1, 1, NO_WAIT_LIMIT, nanos::get)) {
            occupyTheWorker(queue);
            assertThat(queue.submit(() -> true)).isPresent();
            // 100,000 refused at the 50/s pace would need 2,000 s.
            List<Long> returns = refuse(queue, 100_000);
            long max = LoginQueue.RETRY_AFTER_MAX.toMillis();
            assertThat(returns).allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(max));
            assertThat(returns.getLast()).isEqualTo(max);
            release.countDown();
        }
    }

    @Test
    void aFailingLoginFailsItsFuture_andTheWorkerGoesOn() throws Exception {
        try (LoginQueue queue = new LoginQueue(1, 10, NO_WAIT_LIMIT)) {
            CompletableFuture<Object> failed = queue.submit(() -> {
                throw new IllegalStateException("database unavailable");
            }).orElseThrow();
            assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasRootCauseMessage("database unavailable");
            CompletableFuture<String> interrupting = queue.submit(() -> {
                Thread.currentThread().interrupt();
                return "left the interrupt flag set";
            }).orElseThrow();
            assertThat(interrupting.get(5, TimeUnit.SECONDS)).isEqualTo("left the interrupt flag set");
            assertThat(queue.submit(() -> "next").orElseThrow().get(5, TimeUnit.SECONDS)).isEqualTo("next");
        }
    }

    @Test
    void aClosedQueueTakesNoLogins() {
        LoginQueue queue = new LoginQueue(2, 10, NO_WAIT_LIMIT);
        queue.close();
        assertThat(queue.submit(() -> true)).isEmpty();
    }

    private CompletableFuture<Boolean> occupyTheWorker(LoginQueue queue) throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        CompletableFuture<Boolean> blocking = queue.submit(() -> {
            busy.countDown();
            try {
                return release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }).orElseThrow();
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
        return blocking;
    }

    /** The return times told to {@code times} devices refused one after the other. */
    private static List<Long> refuse(LoginQueue queue, int times) {
        List<Long> returns = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            assertThat(queue.submit(() -> true)).isEmpty();
            returns.add(queue.retryAfterMillis());
        }
        return returns;
    }
}
