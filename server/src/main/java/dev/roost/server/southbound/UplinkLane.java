package dev.roost.server.southbound;

import java.util.ArrayDeque;

/**
 * The uplink work of one session that may wait (on the database, on another node), run off the
 * connection's thread, one piece at a time in the order it was handed over. The connection reads
 * on meanwhile and answers the device's heartbeat, however long the database takes.
 *
 * <p>A virtual thread runs the lane, started when work arrives at an idle lane and ended when its
 * queue is empty again: an idle session holds no thread and no queue (tens of thousands are
 * idle at once). It is a fresh thread, never the connection's, so a close (Helidon interrupts the
 * connection's thread) never interrupts JDBC, and a stack parked deep inside JDBC is gone with
 * the work instead of staying with the connection. The queue is bounded: a full lane refuses at
 * once rather than grow or make the reader wait. Once closed, what waits is dropped and nothing
 * more is taken.
 */
final class UplinkLane {
    /** Messages of one session waiting while one is handled, before more are refused. */
    static final int MAX_QUEUED = 64;
    private static final System.Logger LOG = System.getLogger(UplinkLane.class.getName());

    private final int capacity;
    // Guarded by this lane's monitor, never held while work runs.
    private ArrayDeque<Runnable> queue;
    private boolean running;
    private boolean closed;

    UplinkLane(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Runs {@code work} after what was handed over before it. Work handed to a closed lane is
     * dropped quietly.
     *
     * @return false when {@code capacity} pieces are waiting: {@code work} will not run
     */
    boolean offer(Runnable work) {
        synchronized (this) {
            if (closed) {
                return true;
            }
            if (queue == null) {
                queue = new ArrayDeque<>(4);
            }
            if (queue.size() >= capacity) {
                return false;
            }
            queue.add(work);
            if (running) {
                return true;
            }
            running = true;
        }
        Thread.ofVirtual().name("roost-uplink").start(this::drain);
        return true;
    }

    /** The session ended: what waits is dropped (no one would read its answers); the running piece finishes. */
    synchronized void close() {
        closed = true;
        queue = null;
    }

    /** True while nothing waits or runs (for tests). */
    synchronized boolean idle() {
        return !running;
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = queue == null ? null : queue.poll();
                if (next == null) {
                    running = false;
                    queue = null; // an idle lane keeps no queue
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // The work answers its own failures (DeviceChannel); this keeps the lane going when one did not.
                LOG.log(System.Logger.Level.ERROR, "uplink work failed", e);
            }
        }
    }
}
