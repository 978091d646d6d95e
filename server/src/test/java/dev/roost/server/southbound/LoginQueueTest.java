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
    void theRetryWindowIsTheTimeNeededForTheDevicesRefusedInTheLastTenSeconds() throws Exception {
        try (LoginQueue queue = new LoginQueue(1, 1, NO_WAIT_LIMIT, nanos::get)) {
            occupyTheWorker(queue);
            assertThat(queue.submit(() -> true)).isPresent();
            refuse(queue, 100);
            // 100 refused at an assumed 25 logins/s need 4 s: the 5 s floor window applies.
            assertThat(samples(queue)).allSatisfy(ms -> assertThat(ms).isBetween(FLOOR, 2 * FLOOR - 1));

            refuse(queue, 900);
            // 1,000 refused need 40 s at 25/s.
            List<Long> widened = samples(queue);
            assertThat(widened).allSatisfy(ms -> assertThat(ms).isBetween(FLOOR, FLOOR + 40_000 - 1));
            assertThat(widened.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(4 * FLOOR);

            refuse(queue, 100_000);
            assertThat(samples(queue)).allSatisfy(ms -> assertThat(ms)
                    .isLessThan(FLOOR + LoginQueue.RETRY_AFTER_MAX_WINDOW.toMillis()));

            nanos.addAndGet(Duration.ofSeconds(5).toNanos());
            assertThat(samples(queue)).as("refusals of the last ten seconds still count").allSatisfy(ms ->
                    assertThat(ms).isLessThan(FLOOR + LoginQueue.RETRY_AFTER_MAX_WINDOW.toMillis()));
            assertThat(samples(queue).stream().mapToLong(Long::longValue).max().orElseThrow())
                    .isGreaterThan(4 * FLOOR);
            nanos.addAndGet(Duration.ofSeconds(6).toNanos());
            assertThat(samples(queue)).as("no refusals in the last ten seconds")
                    .allSatisfy(ms -> assertThat(ms).isLessThan(2 * FLOOR));
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

    private static void refuse(LoginQueue queue, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(queue.submit(() -> true)).isEmpty();
        }
    }

    private static List<Long> samples(LoginQueue queue) {
        return IntStream.range(0, 400).mapToObj(i -> queue.retryAfterMillis()).toList();
    }
}
