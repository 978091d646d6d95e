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
import java.util.concurrent.Semaphore;
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
    /** One permit lets one held login finish (see {@link #submitHeld}). */
    private final Semaphore permits = new Semaphore(0);

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
    void aSlowNodeWithLoginsWaitingThroughout_schedulesReturnsAtTwiceTheRateItAdmits() throws Exception {
        // Four workers: 100 logins/s assumed, returns paced at 200/s. This node finishes 5 a second
        // with logins waiting all the time, for the ten seconds the schedule measures over.
        try (LoginQueue queue = new LoginQueue(4, 1000, Duration.ofSeconds(10), nanos::get)) {
            List<CompletableFuture<Boolean>> logins = submitHeld(queue, 100);
            finishEachSecond(logins, 5, 10);
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());

            // 4 running, 46 waiting: at 5/s, 10 s of waiting is 50.
            assertThat(submitHeld(queue, 5)).hasSize(5);
            assertThat(queue.submit(() -> true)).as("the 51st would wait past 10 s").isEmpty();
            // Paced at 10/s: the 51 waiting drain in 5.1 s, then one return every 100 ms.
            assertReturnsPaced(queue, 5_100, 100);
        } finally {
            permits.release(1000);
        }
    }

    @Test
    void aStormBusyForLessThanTheWindow_isStillPacedAtTheAssumedRate() throws Exception {
        // The same slow start as above, five seconds of it: that could be a cold start, not the node's rate.
        try (LoginQueue queue = new LoginQueue(4, 1000, Duration.ofSeconds(15), nanos::get)) {
            List<CompletableFuture<Boolean>> logins = submitHeld(queue, 100);
            finishEachSecond(logins, 5, 5);
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());

            // The queue's limit follows the measured rate at once: 71 waiting, 15 s at 5/s is 75.
            assertThat(submitHeld(queue, 5)).hasSize(5);
            assertThat(queue.submit(() -> true)).isEmpty();
            // The schedule keeps the assumed 200/s: 76 waiting drain in 380 ms, so the floor; then 5 ms apart.
            assertReturnsPaced(queue, FLOOR, 5);
        } finally {
            permits.release(1000);
        }
    }

    @Test
    void aNodeWithFewLoginsToDo_takesItsLowDemandForNoMeasurement() throws Exception {
        // Four workers, 5 logins a second for ten seconds, each done before the next comes: the
        // queue runs empty every second, so those counts say nothing of what the workers can do.
        try (LoginQueue queue = new LoginQueue(4, 1000, Duration.ofSeconds(1), nanos::get)) {
            for (int second = 1; second <= 10; second++) {
                nanos.set(Duration.ofSeconds(second).toNanos());
                for (int i = 0; i < 5; i++) {
                    assertThat(queue.submit(() -> true).orElseThrow().get(5, TimeUnit.SECONDS)).isTrue();
                }
            }
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());

            // Then a storm: every worker busy, and the queue takes what the assumed 100/s finish in 1 s.
            submitHeld(queue, 4);
            Await.until("every worker took a login", () -> queue.waiting() == 0);
            assertThat(submitHeld(queue, 101)).hasSize(101);
            assertThat(queue.submit(() -> true)).isEmpty();
            // Returns at the assumed 200/s: 101 waiting drain in 505 ms, so the floor; then 5 ms apart.
            assertReturnsPaced(queue, FLOOR, 5);
        } finally {
            permits.release(1000);
        }
    }

    @Test
    void aWholeSecondWithLoginsWaitingAndNoneFinished_stopsTheQueueFromGrowing() throws Exception {
        // One worker stuck, 10 logins waiting: queued at the assumed 25/s, 1 s of waiting each.
        try (LoginQueue queue = new LoginQueue(1, 1000, Duration.ofSeconds(1), nanos::get)) {
            occupyTheWorker(queue);
            assertThat(submitHeld(queue, 10)).hasSize(10);
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            // A whole second passed with logins waiting and none finished: a measurement, not the lack of one.
            assertThat(queue.submit(() -> true)).isEmpty();
            release.countDown();
        } finally {
            permits.release(1000);
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

    /** Queues {@code count} logins that each finish only when the test gives it a permit. */
    private List<CompletableFuture<Boolean>> submitHeld(LoginQueue queue, int count) {
        List<CompletableFuture<Boolean>> logins = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            queue.submit(() -> {
                try {
                    return permits.tryAcquire(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }).ifPresent(logins::add);
        }
        return logins;
    }

    /**
     * For each of {@code seconds} seconds: moves the clock to the second's start and lets
     * {@code perSecond} of the held {@code logins} finish in it, one at a time.
     */
    private void finishEachSecond(List<CompletableFuture<Boolean>> logins, int perSecond, int seconds) {
        for (int second = 0; second < seconds; second++) {
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            for (int i = 0; i < perSecond; i++) {
                long finished = logins.stream().filter(CompletableFuture::isDone).count();
                permits.release();
                Await.until("one more login finished",
                        () -> logins.stream().filter(CompletableFuture::isDone).count() == finished + 1);
            }
        }
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

    /**
     * The next 100 refused devices are told to return {@code intervalMillis} apart from
     * {@code firstMillis} on, each within one interval of its place (the jitter).
     */
    private static void assertReturnsPaced(LoginQueue queue, long firstMillis, long intervalMillis) {
        List<Long> returns = IntStream.range(0, 100).mapToObj(i -> queue.retryAfterMillis()).toList();
        for (int i = 0; i < returns.size(); i++) {
            long place = firstMillis + intervalMillis * i;
            assertThat(returns.get(i)).as("device %d", i).isBetween(place, place + intervalMillis - 1);
        }
    }
}
