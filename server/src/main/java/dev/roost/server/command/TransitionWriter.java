package dev.roost.server.command;

import dev.roost.server.command.CommandStore.Transition;
import dev.roost.server.command.CommandStore.Write;

import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit of command writes: new commands' inserts and state changes of many commands,
 * submitted from any thread, are written in submission order by one thread, as many as arrived
 * within {@code window} of the first (and while the previous batch was written) in one
 * transaction, so one commit (one fsync) serves them all. Each write completes its future once its
 * transaction committed (true: it applied; an insert always applies).
 *
 * <p>An ACKED change followed in the same batch by a change of the same command out of a running
 * state is folded into it: the later change's condition already accepts SENT and ACKED, so the
 * ACKED row would be overwritten in the same commit anyway. A batch the database refuses is
 * written again one write per transaction, so one bad change, or one insert whose idempotency key
 * is taken, fails only its own future; a batch that timed out fails whole at once (the database is
 * not answering: retrying each write would hold every later one for the timeout once per write).
 */
final class TransitionWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TransitionWriter.class.getName());
    private static final int MAX_BATCH = 500;

    private record Pending(Write write, CompletableFuture<Boolean> done) {
    }

    private final CommandStore store;
    private final long windowNanos;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    private long batches;
    private long written;

    TransitionWriter(CommandStore store, Duration window) {
        this.store = store;
        this.windowNanos = window.toNanos();
        this.writer = Thread.ofPlatform().name("roost-command-writer").daemon().start(this::run);
    }

    /** Queues a write; the future completes after its commit, or exceptionally when it failed. */
    CompletableFuture<Boolean> submit(Write write) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("command writer closed"));
            return done;
        }
        queue.add(new Pending(write, done));
        return done;
    }

    /** Batches written so far and writes in them (for the benchmark's statements-per-command). */
    synchronized long[] counts() {
        return new long[] {batches, written};
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + windowNanos;
                while (batch.size() < MAX_BATCH) {
                    long left = deadline - System.nanoTime();
                    Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                write(batch);
            } catch (InterruptedException e) {
                if (!closed) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "command writer failed", e);
                batch.forEach(pending -> pending.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        List<Pending> kept = fold(batch);
        List<Write> writes = kept.stream().map(Pending::write).toList();
        boolean[] applied;
        try {
            applied = store.writeAll(writes);
        } catch (RuntimeException batchFailed) {
            if (isTimeout(batchFailed)) {
                // The database did not answer (locked, frozen): one by one, each change would wait
                // out the timeout again, and every change queued behind them with it.
                kept.forEach(pending -> pending.done().completeExceptionally(batchFailed));
            } else {
                writeOneByOne(kept);
            }
            return;
        }
        synchronized (this) {
            batches++;
            written += writes.size();
        }
        for (int i = 0; i < kept.size(); i++) {
            kept.get(i).done().complete(applied[i]);
        }
    }

    /** Drops ACKED changes superseded by a later change of the same command; they count as applied. */
    private static List<Pending> fold(List<Pending> batch) {
        Map<Long, Integer> lastIndex = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            lastIndex.put(batch.get(i).write().id().value(), i);
        }
        List<Pending> kept = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            int last = lastIndex.get(pending.write().id().value());
            boolean superseded = pending.write() instanceof Transition change && change.to() == CommandState.ACKED
                    && last > i && batch.get(last).write() instanceof Transition later
                    && later.from().contains(CommandState.ACKED);
            if (superseded) {
                pending.done().complete(true);
            } else {
                kept.add(pending);
            }
        }
        return kept;
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void writeOneByOne(List<Pending> batch) {
        for (Pending pending : batch) {
            try {
                pending.done().complete(store.writeAll(List.of(pending.write()))[0]);
            } catch (RuntimeException e) {
                pending.done().completeExceptionally(e);
            }
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
