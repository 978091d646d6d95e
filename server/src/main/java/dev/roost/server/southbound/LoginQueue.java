package dev.roost.server.southbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Admission of device logins: a bounded FIFO served by a fixed number of workers, so that a
 * reconnect storm costs at most {@code workers} concurrent bcrypt checks and database users, in
 * arrival order. A full queue refuses at once, with a retry-after whose jitter window widens while
 * refusals continue (the fleet spreads itself over the time the server needs), instead of holding
 * thousands of sockets or retrying them all at the same moment.
 */
final class LoginQueue implements AutoCloseable {
    static final Duration RETRY_AFTER_FLOOR = Duration.ofSeconds(5);
    static final Duration RETRY_AFTER_MAX_WINDOW = Duration.ofSeconds(60);

    private final BlockingQueue<Runnable> queue;
    private final List<Thread> workers = new ArrayList<>();
    /** Refusals since the queue last accepted a login: the pressure that widens the retry window. */
    private final AtomicLong refusalsInARow = new AtomicLong();
    private final int capacity;

    LoginQueue(int workers, int capacity) {
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        for (int i = 0; i < workers; i++) {
            this.workers.add(Thread.ofVirtual().name("roost-login-", i).start(this::serve));
        }
    }

    /** Queues the login; empty when the queue is full (refuse it with {@link #retryAfterMillis()}). */
    <T> Optional<CompletableFuture<T>> submit(Supplier<T> login) {
        CompletableFuture<T> result = new CompletableFuture<>();
        boolean queued = queue.offer(() -> {
            try {
                result.complete(login.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        if (!queued) {
            refusalsInARow.incrementAndGet();
            return Optional.empty();
        }
        refusalsInARow.set(0);
        return Optional.of(result);
    }

    /**
     * When a refused device should come back: the floor plus a random share of a window that is
     * the floor while the queue just filled, and grows by the floor for every queue-full of
     * refusals since, up to a minute.
     */
    long retryAfterMillis() {
        long floor = RETRY_AFTER_FLOOR.toMillis();
        long window = Math.min(RETRY_AFTER_MAX_WINDOW.toMillis(), floor * (1 + refusalsInARow.get() / capacity));
        return floor + ThreadLocalRandom.current().nextLong(window);
    }

    int waiting() {
        return queue.size();
    }

    private void serve() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                queue.take().run();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        workers.forEach(Thread::interrupt);
    }
}
