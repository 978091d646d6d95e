package dev.roost.server.southbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Admission of device logins: a bounded FIFO served by a fixed number of workers, so that a
 * reconnect storm costs at most {@code workers} concurrent bcrypt checks and database users, in
 * arrival order. A login is refused at once when the queue is full or when, at the current login
 * rate, it would wait longer than {@code maxWait} (the connection's auth timeout would close it
 * first, without a hint). Each refused device is given its own return time on a schedule paced at
 * the rate the server admits logins, after what the queue holds: the refused part of a storm comes
 * back as fast as it can be admitted and no faster. Coming back too early means another refusal,
 * and each refusal costs a TCP and WebSocket handshake on both sides; a random spread over a
 * longer window would leave the server idle while the last devices wait out their share of it.
 */
final class LoginQueue implements AutoCloseable {
    static final Duration RETRY_AFTER_FLOOR = Duration.ofSeconds(5);
    static final Duration RETRY_AFTER_MAX = Duration.ofMinutes(5);
    /** Assumed until a whole second of logins was counted: one worker, one token login per 40 ms at worst. */
    static final int ASSUMED_LOGINS_PER_WORKER_SECOND = 25;
    /** Returns are paced faster than the counted rate: a return promised too late cannot be taken back. */
    static final int PACE_FACTOR = 2;

    private final BlockingQueue<Runnable> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final long maxWaitMillis;
    private final PerSecond admitted;
    private final LongSupplier nanoTime;
    /** The return time given to the last refused device, on {@link #nanoTime}; valid once {@code hasScheduled}. */
    private long lastReturnNanos;
    private boolean hasScheduled;
    private volatile boolean closed;

    LoginQueue(int workers, int capacity, Duration maxWait) {
        this(workers, capacity, maxWait, System::nanoTime);
    }

    LoginQueue(int workers, int capacity, Duration maxWait, LongSupplier nanoTime) {
        if (workers < 1) {
            throw new IllegalArgumentException("a login queue needs at least one worker, was " + workers);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxWaitMillis = maxWait.toMillis();
        this.nanoTime = nanoTime;
        this.admitted = new PerSecond(nanoTime);
        // Platform threads: in a storm every connection thread queues for the few virtual-thread
        // carriers, and a virtual worker would wait behind all of them after each database read.
        for (int i = 0; i < workers; i++) {
            this.workers.add(Thread.ofPlatform().daemon().name("roost-login-", i).start(this::serve));
        }
    }

    /** Queues the login; empty when it is refused (answer it with {@link #retryAfterMillis()}). */
    <T> Optional<CompletableFuture<T>> submit(Supplier<T> login) {
        CompletableFuture<T> result = new CompletableFuture<>();
        boolean queued = !closed && queue.size() * 1000L / loginsPerSecond() <= maxWaitMillis && queue.offer(() -> {
            try {
                result.complete(login.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            } finally {
                admitted.add();
            }
        });
        return queued ? Optional.of(result) : Optional.empty();
    }

    /**
     * When the device just refused should come back: one interval after the device refused before
     * it, and no sooner than the floor or than the queue drains (estimated at the same pace). The
     * pace is twice the better of the best login rate of the last ten seconds and the assumed
     * rate: the rate is low while a storm starts, and a return promised too late cannot be taken
     * back and leaves the server idle, while one promised too early costs one more refusal and a
     * later place. No device is told more than {@link #RETRY_AFTER_MAX}.
     */
    synchronized long retryAfterMillis() {
        long now = nanoTime.getAsLong();
        long pace = PACE_FACTOR * Math.max(admitted.bestSecond(), assumedLoginsPerSecond());
        long interval = 1_000_000_000L / pace;
        // Offsets from now, not absolute nanoTime values: only differences of nanoTime are meaningful.
        long wait = Math.max(RETRY_AFTER_FLOOR.toNanos(), queue.size() * interval);
        if (hasScheduled) {
            wait = Math.max(wait, lastReturnNanos - now + interval);
        }
        wait = Math.min(wait, RETRY_AFTER_MAX.toNanos());
        lastReturnNanos = now + wait;
        hasScheduled = true;
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, interval));
        return Math.min(wait + jitter, RETRY_AFTER_MAX.toNanos()) / 1_000_000;
    }

    /** Logins waiting for a worker. */
    int waiting() {
        return queue.size();
    }

    /** Logins finished in the last whole second; an assumption while no whole second was counted. */
    private long loginsPerSecond() {
        long measured = admitted.lastSecond();
        return admitted.hadWholeSecond() ? Math.max(1, measured) : Math.max(assumedLoginsPerSecond(), measured);
    }

    private long assumedLoginsPerSecond() {
        return (long) workers.size() * ASSUMED_LOGINS_PER_WORKER_SECOND;
    }

    private void serve() {
        while (!closed) {
            try {
                queue.take().run();
            } catch (InterruptedException e) {
                // Nothing interrupts workers on purpose; a login that leaves the flag set does not stop one.
                Thread.interrupted();
            }
        }
    }

    /**
     * Takes no more logins; idle workers are woken with an empty task and end. Workers are never
     * interrupted: a login writes to its device's socket, and an interrupt during channel I/O
     * closes that socket, and the device would see 1006 instead of the 1001 close at shutdown.
     */
    @Override
    public void close() {
        closed = true;
        workers.forEach(worker -> queue.offer(() -> { }));
    }

    /** Event counts per second over the last ten seconds. */
    private static final class PerSecond {
        private static final int SECONDS = 10;
        private final LongSupplier nanoTime;
        private final long[] counts = new long[SECONDS];
        private long second;

        PerSecond(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            this.second = Math.floorDiv(nanoTime.getAsLong(), 1_000_000_000L);
        }

        synchronized void add() {
            roll();
            counts[slot(second)]++;
        }

        /** The count of the last whole second, or of the current one once it is larger. */
        synchronized long lastSecond() {
            roll();
            return Math.max(counts[slot(second - 1)], counts[slot(second)]);
        }

        /** Whether the last whole second saw any event. */
        synchronized boolean hadWholeSecond() {
            roll();
            return counts[slot(second - 1)] > 0;
        }

        /** The largest count of one second within the last ten. */
        synchronized long bestSecond() {
            roll();
            long best = 0;
            for (long count : counts) {
                best = Math.max(best, count);
            }
            return best;
        }

        private void roll() {
            long now = Math.floorDiv(nanoTime.getAsLong(), 1_000_000_000L);
            for (long next = second + 1; next <= now && next <= second + SECONDS; next++) {
                counts[slot(next)] = 0;
            }
            second = Math.max(second, now);
        }

        private static int slot(long second) {
            return (int) Math.floorMod(second, SECONDS);
        }
    }
}
