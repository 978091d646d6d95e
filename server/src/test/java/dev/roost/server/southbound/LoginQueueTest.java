package dev.roost.server.southbound;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginQueueTest {
    private static final long FLOOR = LoginQueue.RETRY_AFTER_FLOOR.toMillis();

    @Test
    void loginsRunInArrivalOrder() throws Exception {
        try (LoginQueue queue = new LoginQueue(1, 100)) {
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
    void aFullQueueRefuses_andTheRetryWindowWidensWhileRefusalsGoOn() throws Exception {
        try (LoginQueue queue = new LoginQueue(1, 2)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch busy = new CountDownLatch(1);
            CompletableFuture<Boolean> blocking = queue.submit(() -> {
                busy.countDown();
                return awaitQuietly(release);
            }).orElseThrow();
            assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(queue.submit(() -> true)).isPresent();
            assertThat(queue.submit(() -> true)).isPresent();
            assertThat(queue.waiting()).isEqualTo(2);

            assertThat(queue.submit(() -> true)).as("queue full").isEmpty();
            assertThat(samples(queue)).allSatisfy(ms -> assertThat(ms).isBetween(FLOOR, 2 * FLOOR - 1));

            for (int i = 0; i < 6; i++) {
                assertThat(queue.submit(() -> true)).isEmpty();
            }
            List<Long> widened = samples(queue);
            assertThat(widened).allSatisfy(ms -> assertThat(ms).isBetween(FLOOR, 5 * FLOOR - 1));
            assertThat(widened.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(2 * FLOOR);

            release.countDown();
            assertThat(blocking.get(5, TimeUnit.SECONDS)).isTrue();
            Optional<CompletableFuture<Boolean>> accepted = Optional.empty();
            for (int i = 0; i < 100 && accepted.isEmpty(); i++) {
                accepted = queue.submit(() -> true);
                Thread.sleep(10);
            }
            assertThat(accepted).as("room again once the worker drained the queue").isPresent();
            assertThat(samples(queue)).allSatisfy(ms -> assertThat(ms).isLessThan(2 * FLOOR));
        }
    }

    @Test
    void aFailingLoginFailsItsFuture_andTheWorkerGoesOn() throws Exception {
        try (LoginQueue queue = new LoginQueue(1, 10)) {
            CompletableFuture<Object> failed = queue.submit(() -> {
                throw new IllegalStateException("database unavailable");
            }).orElseThrow();
            assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasRootCauseMessage("database unavailable");
            assertThat(queue.submit(() -> "next").orElseThrow().get(5, TimeUnit.SECONDS)).isEqualTo("next");
        }
    }

    private static List<Long> samples(LoginQueue queue) {
        return IntStream.range(0, 400).mapToObj(i -> queue.retryAfterMillis()).toList();
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
