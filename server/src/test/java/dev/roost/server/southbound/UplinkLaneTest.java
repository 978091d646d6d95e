package dev.roost.server.southbound;

import dev.roost.server.support.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One session's uplink lane: order, bound, failures, close, and no thread while idle. */
class UplinkLaneTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Work that waits until the test releases it, and tells when it started. */
    private static final class Held implements Runnable {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Thread thread;

        @Override
        public void run() {
            thread = Thread.currentThread();
            started.countDown();
            await(release);
        }

        void awaitStarted() {
            await(started);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("latch reached in time").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private static void awaitIdle(UplinkLane lane) {
        Await.until("the lane is idle", lane::idle);
    }

    @Test
    void work_runsOneAtATimeInArrivalOrder_offTheCallersThread() {
        UplinkLane lane = new UplinkLane(UplinkLane.MAX_QUEUED);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        Held first = new Held();
        assertThat(lane.offer(first)).isTrue();
        for (int i = 1; i <= 10; i++) {
            int n = i;
            assertThat(lane.offer(() -> ran.add(n))).isTrue();
        }
        first.awaitStarted();
        // The caller was not made to wait for the held work, and nothing overtook it.
        assertThat(ran).isEmpty();
        assertThat(first.thread).isNotSameAs(Thread.currentThread());

        first.release.countDown();
        awaitIdle(lane);
        assertThat(ran).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void fullLane_refusesAtOnce_andTakesWorkAgainOnceDrained() {
        UplinkLane lane = new UplinkLane(2);
        List<String> ran = new CopyOnWriteArrayList<>();
        Held running = new Held();
        lane.offer(running);
        running.awaitStarted();

        assertThat(lane.offer(() -> ran.add("a"))).isTrue();
        assertThat(lane.offer(() -> ran.add("b"))).isTrue();
        assertThat(lane.offer(() -> ran.add("refused"))).as("two waiting behind the running one").isFalse();

        running.release.countDown();
        awaitIdle(lane);
        assertThat(ran).containsExactly("a", "b");
        assertThat(lane.offer(() -> ran.add("c"))).isTrue();
        awaitIdle(lane);
        assertThat(ran).containsExactly("a", "b", "c");
    }

    @Test
    void failingWork_doesNotStopTheLane() {
        UplinkLane lane = new UplinkLane(UplinkLane.MAX_QUEUED);
        List<String> ran = new CopyOnWriteArrayList<>();
        Held first = new Held();
        lane.offer(first);
        lane.offer(() -> {
            throw new IllegalStateException("handler bug");
        });
        lane.offer(() -> ran.add("after the failure"));

        first.release.countDown();
        awaitIdle(lane);
        assertThat(ran).containsExactly("after the failure");
    }

    @Test
    void idleLane_leavesNoThreadBehind_andStartsOneForNewWork() throws InterruptedException {
        UplinkLane lane = new UplinkLane(UplinkLane.MAX_QUEUED);
        assertThat(lane.idle()).isTrue();
        Held first = new Held();
        lane.offer(first);
        first.awaitStarted();
        assertThat(lane.idle()).isFalse();

        first.release.countDown();
        awaitIdle(lane);
        assertThat(first.thread.join(WAIT)).as("the lane's thread ended").isTrue();

        Held second = new Held();
        second.release.countDown();
        lane.offer(second);
        second.awaitStarted();
        awaitIdle(lane);
        assertThat(second.thread).isNotSameAs(first.thread);
        assertThat(second.thread.join(WAIT)).isTrue();
    }

    @Test
    void closedLane_dropsWhatWaits_andTakesNothingMore() {
        UplinkLane lane = new UplinkLane(UplinkLane.MAX_QUEUED);
        List<String> ran = new CopyOnWriteArrayList<>();
        Held running = new Held();
        lane.offer(running);
        running.awaitStarted();
        lane.offer(() -> ran.add("waiting"));

        lane.close();
        assertThat(lane.offer(() -> ran.add("after close"))).as("dropped quietly, not refused").isTrue();
        running.release.countDown();
        awaitIdle(lane);
        assertThat(ran).isEmpty();
    }
}
