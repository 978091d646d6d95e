package dev.roost.server.command;

import dev.roost.server.common.Stripes;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where device results are stored, off the connections' threads: a connection hands a result over
 * and reads on, so a slow or frozen database never stalls it. Results of one device always go to
 * the same lane and are stored in the order they arrived. Each lane is one platform thread (a
 * connection's close interrupts its own thread, and an interrupt inside JDBC discards the pooled
 * connection) with a bounded queue; a full lane refuses at once.
 */
final class ResultLanes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ResultLanes.class.getName());
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final ThreadPoolExecutor[] lanes;

    ResultLanes(int workers, int queue) {
        lanes = new ThreadPoolExecutor[workers];
        int perLane = Math.max(1, queue / workers);
        for (int i = 0; i < workers; i++) {
            lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(perLane),
                    Thread.ofPlatform().name("roost-result-" + i).daemon().factory());
        }
    }

    /** @return false when the device's lane is full (or closed): the task will not run */
    boolean submit(long deviceKey, Runnable task) {
        try {
            lanes[Stripes.of(deviceKey, lanes.length)].execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Results waiting in the lanes (for metrics and tests). */
    int waiting() {
        int waiting = 0;
        for (ThreadPoolExecutor lane : lanes) {
            waiting += lane.getQueue().size();
        }
        return waiting;
    }

    /** Stores what was handed over, for a short while, then stops. */
    @Override
    public void close() {
        for (ThreadPoolExecutor lane : lanes) {
            lane.shutdown();
        }
        try {
            for (ThreadPoolExecutor lane : lanes) {
                if (!lane.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.log(System.Logger.Level.WARNING, "results still being stored at shutdown; devices resend them");
                    lane.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
