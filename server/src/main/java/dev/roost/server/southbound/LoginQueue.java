package dev.roost.server.southbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
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
 *
 * <p>The limit and the schedule both rest on the logins finished per second in the last ten
 * seconds, but only a busy second, one in which a login waited in the queue throughout so that no
 * worker was ever without one, measures what the workers can do; a second in which the queue ran
 * empty measures what the devices asked for. Taken for capacity, the few logins of a quiet node
 * would make it queue little and send the first devices of the next storm away for minutes; until
 * a busy second is counted, the rate is assumed from the number of workers. The two trust a
 * measurement differently because their errors cost differently:
 * <ul>
 *   <li>the queue's limit follows the newest count as soon as one whole busy second was counted: a
 *   login queued beyond what the workers finish within {@code maxWait} is closed by the auth
 *   timeout without a hint;</li>
 *   <li>the return schedule follows the best count of the last ten seconds only once the queue was
 *   busy throughout them: a storm's first seconds are slow (cold code, collection pauses,
 *   connection threads competing for the processors), and a return promised on them cannot be
 *   taken back and leaves the server idle later, while one promised too early costs one more
 *   refusal. A node that stays that slow for the whole window is slow, not starting: paced at the
 *   assumed rate, its devices would come back many times faster than it admits them, and their
 *   refusals would take the processor its logins lack.</li>
 * </ul>
 */
final class LoginQueue implements AutoCloseable {
    static final Duration RETRY_AFTER_FLOOR = Duration.ofSeconds(5);
    static final Duration RETRY_AFTER_MAX = Duration.ofMinutes(5);
    /** Assumed until a measurement is trusted (see above): one worker, one token login per 40 ms at worst. */
    static final int ASSUMED_LOGINS_PER_WORKER_SECOND = 25;
    /** Returns are paced faster than the counted rate: a return promised too late cannot be taken back. */
    static final int PACE_FACTOR = 2;

    private final BlockingQueue<Runnable> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final long maxWaitMillis;
    private final LoginSeconds seconds;
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
        this.seconds = new LoginSeconds(nanoTime, queue::isEmpty);
        // Platform threads: in a storm every connection thread queues for the few virtual-thread
        // carriers, and a virtual worker would wait behind all of them after each database read.
        for (int i = 0; i < workers; i++) {
            this.workers.add(Thread.ofPlatform().daemon().name("roost-login-", i).start(this::serve));
        }
    }

    /** Queues the login; empty when it is refused (answer it with {@link #retryAfterMillis()}). */
    <T> Optional<CompletableFuture<T>> submit(Supplier<T> login) {
        CompletableFuture<T> result = new CompletableFuture<>();
        boolean queued = !closed && queue.size() * 1000L / drainRate() <= maxWaitMillis
                && queue.offer(() -> run(login, result));
        if (queued) {
            seconds.queueChanged();
        }
        return queued ? Optional.of(result) : Optional.empty();
    }

    /** Counts the login before it completes {@code result}: whoever waits for a login sees it in the rate. */
    private <T> void run(Supplier<T> login, CompletableFuture<T> result) {
        T value;
        try {
            value = login.get();
        } catch (Throwable e) {
            seconds.finished();
            result.completeExceptionally(e);
            return;
        }
        seconds.finished();
        result.complete(value);
    }

    /**
     * When the device just refused should come back: one interval after the device refused before
     * it, and no sooner than the floor or than the queue drains (estimated at the same pace). The
     * pace is twice the best login rate of the last ten seconds once the queue held a waiting login
     * throughout them, and twice the better of that rate and the assumed one before: a return
     * promised too late cannot be taken back and leaves the server idle, while one promised too
     * early costs one more refusal and a later place. No device is told more than
     * {@link #RETRY_AFTER_MAX}.
     */
    synchronized long retryAfterMillis() {
        long now = nanoTime.getAsLong();
        long pace = PACE_FACTOR * scheduleRate();
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

    /**
     * The rate the queue is expected to drain at: the logins finished in the last whole second (or
     * in the current one, once more) when a busy second was counted in the last ten; else the
     * assumed rate, or the counted one once it is higher.
     */
    private long drainRate() {
        long last = seconds.lastSecond();
        return seconds.hadBusySecond() ? Math.max(1, last) : Math.max(assumedLoginsPerSecond(), last);
    }

    /**
     * The rate returns are scheduled for: the best second of the last ten when the queue was busy
     * throughout them; else the assumed rate, or that best second once it is higher.
     */
    private long scheduleRate() {
        long best = seconds.bestSecond();
        return seconds.busyThroughout() ? Math.max(1, best) : Math.max(assumedLoginsPerSecond(), best);
    }

    private long assumedLoginsPerSecond() {
        return (long) workers.size() * ASSUMED_LOGINS_PER_WORKER_SECOND;
    }

    private void serve() {
        while (!closed) {
            try {
                Runnable login = queue.take();
                seconds.queueChanged();
                login.run();
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

    /**
     * Per second of the last ten: the logins finished, and whether a login waited in the queue
     * throughout that second, so that no worker was ever idle in it (busy).
     */
    private static final class LoginSeconds {
        private static final int SECONDS = 10;
        private final LongSupplier nanoTime;
        private final BooleanSupplier queueEmpty;
        private final long[] finished = new long[SECONDS];
        private final boolean[] busy = new boolean[SECONDS];
        /** Whether a login waits in the queue, as of the last {@link #queueChanged()}. */
        private boolean waiting;
        private long second;

        LoginSeconds(LongSupplier nanoTime, BooleanSupplier queueEmpty) {
            this.nanoTime = nanoTime;
            this.queueEmpty = queueEmpty;
            this.second = Math.floorDiv(nanoTime.getAsLong(), 1_000_000_000L);
        }

        synchronized void finished() {
            roll();
            finished[slot(second)]++;
        }

        /**
         * Called after each offer to and take from the queue. The queue is read under this lock,
         * so whichever of two racing calls comes last records the queue as the two left it.
         */
        synchronized void queueChanged() {
            roll();
            waiting = !queueEmpty.getAsBoolean();
            if (!waiting) {
                busy[slot(second)] = false;
            }
        }

        /** The count of the last whole second, or of the current one once it is larger. */
        synchronized long lastSecond() {
            roll();
            return Math.max(finished[slot(second - 1)], finished[slot(second)]);
        }

        /** Whether one of the whole seconds within the last ten was busy. */
        synchronized boolean hadBusySecond() {
            roll();
            for (long past = second - SECONDS + 1; past < second; past++) {
                if (busy[slot(past)]) {
                    return true;
                }
            }
            return false;
        }

        /** Whether every second within the last ten, the current one so far, was busy. */
        synchronized boolean busyThroughout() {
            roll();
            for (boolean each : busy) {
                if (!each) {
                    return false;
                }
            }
            return true;
        }

        /** The largest count of one second within the last ten. */
        synchronized long bestSecond() {
            roll();
            long best = 0;
            for (long count : finished) {
                best = Math.max(best, count);
            }
            return best;
        }

        /** Starts the seconds that began since the last call, each busy if a login was waiting when it began. */
        private void roll() {
            long now = Math.floorDiv(nanoTime.getAsLong(), 1_000_000_000L);
            for (long next = second + 1; next <= now && next <= second + SECONDS; next++) {
                finished[slot(next)] = 0;
                busy[slot(next)] = waiting;
            }
            second = Math.max(second, now);
        }

        private static int slot(long second) {
            return (int) Math.floorMod(second, SECONDS);
        }
    }
}
