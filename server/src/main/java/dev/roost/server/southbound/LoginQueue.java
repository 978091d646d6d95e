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
 * arrival order. A login is refused at once when the queue is full or when, at the measured login
 * rate, it would wait longer than {@code maxWait} (the connection's auth timeout would close it
 * first, without a hint). A refusal carries a retry-after spread over the time the server needs
 * for the devices refused lately, so that they do not all come back at the same moment.
 */
final class LoginQueue implements AutoCloseable {
    static final Duration RETRY_AFTER_FLOOR = Duration.ofSeconds(5);
    static final Duration RETRY_AFTER_MAX_WINDOW = Duration.ofSeconds(60);
    /** Assumed until a whole second of logins was measured: a token login takes a worker ~40 ms at worst. */
    static final int ASSUMED_LOGINS_PER_WORKER_SECOND = 25;

    private final BlockingQueue<Runnable> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final long maxWaitMillis;
    private final PerSecond admitted;
    private final PerSecond refused;
    private volatile boolean closed;

    LoginQueue(int workers, int capacity, Duration maxWait) {
        this(workers, capacity, maxWait, System::nanoTime);
    }

    LoginQueue(int workers, int capacity, Duration maxWait, LongSupplier nanoTime) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxWaitMillis = maxWait.toMillis();
        this.admitted = new PerSecond(nanoTime);
        this.refused = new PerSecond(nanoTime);
        for (int i = 0; i < workers; i++) {
            this.workers.add(Thread.ofVirtual().name("roost-login-", i).start(this::serve));
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
        if (!queued) {
            refused.add();
            return Optional.empty();
        }
        return Optional.of(result);
    }

    /**
     * When a refused device should come back: the floor plus a random share of a window as long as
     * the server needs, at its current login rate, for the devices it refused in the last second
     * (at least the floor, at most a minute).
     */
    long retryAfterMillis() {
        long floor = RETRY_AFTER_FLOOR.toMillis();
        long needed = refused.lastSecond() * 1000L / loginsPerSecond();
        long window = Math.clamp(needed, floor, RETRY_AFTER_MAX_WINDOW.toMillis());
        return floor + ThreadLocalRandom.current().nextLong(window);
    }

    /** Logins waiting for a worker. */
    int waiting() {
        return queue.size();
    }

    /** Logins finished per second as last measured; an assumption while no whole second was measured. */
    private long loginsPerSecond() {
        long measured = admitted.lastSecond();
        return admitted.hadWholeSecond() ? Math.max(1, measured)
                : Math.max((long) workers.size() * ASSUMED_LOGINS_PER_WORKER_SECOND, measured);
    }

    private void serve() {
        while (!closed) {
            try {
                queue.take().run();
            } catch (InterruptedException e) {
                // Only close() interrupts on purpose; a login that leaves the flag set does not stop the worker.
                Thread.interrupted();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
    }

    /** Events per second: the count of the last whole second, or of the current one once it is larger. */
    private static final class PerSecond {
        private final LongSupplier nanoTime;
        private long second;
        private long current;
        private long previous;

        PerSecond(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            this.second = nanoTime.getAsLong() / 1_000_000_000L;
        }

        synchronized void add() {
            roll();
            current++;
        }

        synchronized long lastSecond() {
            roll();
            return Math.max(previous, current);
        }

        /** Whether the last whole second saw any event. */
        synchronized boolean hadWholeSecond() {
            roll();
            return previous > 0;
        }

        private void roll() {
            long now = nanoTime.getAsLong() / 1_000_000_000L;
            if (now != second) {
                previous = now == second + 1 ? current : 0;
                current = 0;
                second = now;
            }
        }
    }
}
