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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit of command writes: new commands' inserts and state changes of many commands,
 * submitted from any thread, are written in submission order by one thread, as many as arrived
 * while the previous batch was written, and, when that batch had company, within {@code window}
 * of the first, in one transaction, so one commit (one fsync) serves them all. Each write
 * completes its future once its transaction committed (true: it applied; an insert always
 * applies).
 *
 * <p>An ACKED change followed in the same batch by a change of the same command whose condition
 * accepts SENT and ACKED alike (a result, a timeout) is folded into it: the ACKED row would be
 * overwritten in the same commit anyway. An acknowledgement handed over with
 * {@link #submitAck} is held back for {@code ackDelay} first, so that the result of a command
 * that finishes within it folds its ACKED away (one row write and one statement less per command;
 * a crash loses held acks, architecture.md). A held ack is written before any later change of
 * its command that does not accept SENT and ACKED alike, when it is due, and at close. A batch the
 * database refuses is written again one write per transaction, so one bad change, or one insert whose idempotency key
 * is taken, fails only its own future; a batch that timed out fails whole at once (the database is
 * not answering: retrying each write would hold every later one for the timeout once per write).
 */
final class TransitionWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TransitionWriter.class.getName());
    private static final int MAX_BATCH = 500;

    private record Pending(Write write, CompletableFuture<Boolean> done) {
    }

    private record HeldAck(Pending pending, long dueNanos) {
    }

    private final CommandStore store;
    private final long windowNanos;
    private final long ackDelayNanos;
    /*
     * Acks held back, by command id and in the order (so also the due order) they came. They are
     * put here by the submitting thread, not queued: holding one needs no wake-up of the writer,
     * which finds them when it next takes a change of the same command or looks for due ones.
     * Whoever removes an entry from heldById owns it; dueOrder may still list it and is skipped.
     */
    private final ConcurrentHashMap<Long, HeldAck> heldById = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<HeldAck> dueOrder = new ConcurrentLinkedQueue<>();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    /**
     * The writer thread's own: whether the next batch waits up to the window for company. Only
     * after a batch that had company: under load the window gathers more, while a lone write
     * (a quiet node, a low rate) is written at once instead of waiting for nothing.
     */
    private boolean waitForCompany = true;
    private volatile boolean closed;
    private long batches;
    private long written;

    TransitionWriter(CommandStore store, Duration window, Duration ackDelay) {
        this.store = store;
        this.windowNanos = window.toNanos();
        this.ackDelayNanos = ackDelay.toNanos();
        this.writer = Thread.ofPlatform().name("roost-command-writer").daemon().start(this::run);
    }

    /** Queues a write; the future completes after its commit, or exceptionally when it failed. */
    CompletableFuture<Boolean> submit(Write write) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (!refusedWhenClosed(done)) {
            queue.add(new Pending(write, done));
        }
        return done;
    }

    /**
     * Holds an acknowledgement (SENT → ACKED, no result) back, to be written {@code ackDelay} later
     * unless a change out of ACKED comes first; the future completes true when it was folded away.
     */
    CompletableFuture<Boolean> submitAck(Transition ack) {
        if (ackDelayNanos <= 0) {
            return submit(ack);
        }
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (!refusedWhenClosed(done)) {
            HeldAck held = new HeldAck(new Pending(ack, done), System.nanoTime() + ackDelayNanos);
            HeldAck earlier = heldById.put(ack.id().value(), held);
            dueOrder.add(held);
            if (earlier != null) {
                // The same ack twice (a device resending it): the earlier one is superseded.
                earlier.pending().done().complete(true);
            }
        }
        return done;
    }

    private boolean refusedWhenClosed(CompletableFuture<Boolean> done) {
        if (closed) {
            done.completeExceptionally(new IllegalStateException("command writer closed"));
        }
        return closed;
    }

    /** Batches written so far and writes in them (for the benchmark's statements-per-command). */
    synchronized long[] counts() {
        return new long[] {batches, written};
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(untilNextDue(), TimeUnit.NANOSECONDS);
                if (first != null) {
                    take(first, batch);
                    int taken = 1;
                    long deadline = System.nanoTime() + (waitForCompany ? windowNanos : 0);
                    while (batch.size() < MAX_BATCH) {
                        long left = deadline - System.nanoTime();
                        Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                        if (next == null) {
                            break;
                        }
                        take(next, batch);
                        taken++;
                    }
                    waitForCompany = taken > 1;
                }
                takeDue(batch, false);
                if (!batch.isEmpty()) {
                    write(batch);
                }
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
        takeDue(batch, true);
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    /** Adds a write to the batch after settling a held ack of its command: folded away or written first. */
    private void take(Pending pending, List<Pending> batch) {
        HeldAck earlier = heldById.remove(pending.write().id().value());
        if (earlier != null) {
            if (replacesAck(pending.write())) {
                earlier.pending().done().complete(true);
            } else {
                batch.add(earlier.pending());
            }
        }
        batch.add(pending);
    }

    /** Moves held acks that are due (all of them when closing) into the batch, up to its limit. */
    private void takeDue(List<Pending> batch, boolean all) {
        long now = System.nanoTime();
        HeldAck next;
        while ((all || batch.size() < MAX_BATCH) && (next = oldestHeld()) != null
                && (all || next.dueNanos() - now <= 0)) {
            dueOrder.poll();
            if (heldById.remove(next.pending().write().id().value(), next)) {
                batch.add(next.pending());
            }
        }
    }

    /** The oldest ack still held, dropping the settled ones in front of it from the due order. */
    private HeldAck oldestHeld() {
        HeldAck oldest;
        while ((oldest = dueOrder.peek()) != null
                && heldById.get(oldest.pending().write().id().value()) != oldest) {
            dueOrder.poll();
        }
        return oldest;
    }

    private long untilNextDue() {
        long idle = TimeUnit.MILLISECONDS.toNanos(100);
        HeldAck oldest = oldestHeld();
        if (oldest == null) {
            return idle;
        }
        return Math.max(0, Math.min(idle, oldest.dueNanos() - System.nanoTime()));
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
                    && last > i && replacesAck(batch.get(last).write());
            if (superseded) {
                pending.done().complete(true);
            } else {
                kept.add(pending);
            }
        }
        return kept;
    }

    /**
     * True when {@code later} applies whether or not an ack before it was written: its condition
     * accepts SENT and ACKED alike (a result, a timeout). One that needs ACKED (a reboot's evidence)
     * or needs SENT (a cancel, back to the queue) must find the ack written first.
     */
    private static boolean replacesAck(Write later) {
        return later instanceof Transition change && change.from().contains(CommandState.SENT)
                && change.from().contains(CommandState.ACKED);
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
