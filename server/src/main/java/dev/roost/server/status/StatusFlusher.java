package dev.roost.server.status;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Snowflake;
import dev.roost.server.storage.RejectedRows;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Persists accepted reports coalesced: whatever a device reports within one flush interval costs
 * one upsert of its latest row, plus a history sample at most once per history interval. Runs on
 * its own thread at a fixed rate, prunes old history on another, and puts back what a failed flush
 * could not write, so nothing is lost and nothing is written twice.
 */
final class StatusFlusher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StatusFlusher.class.getName());
    private static final int MAX_BATCH = 2000;

    private final StatusStore store;
    private final Snowflake ids;
    private final Clock clock;
    private final StatusSettings settings;
    private final StatusBatchWriter writer;
    private final ConcurrentMap<Long, Reported> dirty = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, Long> lastSampleMillis = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<StatusStore.Sample> samples = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-status-flush").daemon().factory());
    /** Its own thread: an hour's history delete must not hold up the flushes. */
    private final ScheduledExecutorService pruner = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-status-prune").daemon().factory());
    private final ReentrantLock flushLock = new ReentrantLock();
    private final LongAdder rowsWritten = new LongAdder();
    private final LongAdder flushNanos = new LongAdder();
    private volatile long lastFlushLagMillis;

    StatusFlusher(StatusStore store, Snowflake ids, Clock clock, StatusSettings settings, RejectedRows rejected) {
        this.store = store;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
        this.writer = new StatusBatchWriter(store, settings.flushWriters(), rejected);
        long interval = settings.flushInterval().toMillis();
        // A fixed rate, not a fixed delay: a report then waits at most one interval plus one flush. With a
        // delay after each flush it would wait up to two flushes plus the interval.
        flusher.scheduleAtFixedRate(this::flushQuietly, interval, interval, TimeUnit.MILLISECONDS);
        pruner.scheduleWithFixedDelay(this::pruneQuietly, 0, 1, TimeUnit.HOURS);
    }

    /** Queues a device's accepted report for the next flush, and a history sample when one is due. */
    void accepted(DeviceId device, Reported reported) {
        // Two sessions of one device can report at once (during a replacement): keep the newest.
        dirty.merge(device.value(), reported, Reported::newer);
        long now = reported.at().toEpochMilli();
        Long last = lastSampleMillis.get(device.value());
        if (last == null || now - last >= settings.historyInterval().toMillis()) {
            lastSampleMillis.put(device.value(), now);
            samples.add(new StatusStore.Sample(ids.nextId(), device, reported));
        }
    }

    /** A decommissioned device's next report starts a new history. */
    void forget(DeviceId device) {
        lastSampleMillis.remove(device.value());
    }

    /** Writes every pending report now. */
    void flush() {
        flushLock.lock();
        long started = System.nanoTime();
        try {
            flushPending();
        } finally {
            flushNanos.add(System.nanoTime() - started);
            flushLock.unlock();
        }
    }

    long lastFlushLagMillis() {
        return lastFlushLagMillis;
    }

    long rowsWritten() {
        return rowsWritten.sum();
    }

    long flushMillis() {
        return flushNanos.sum() / 1_000_000;
    }

    int pendingRows() {
        return dirty.size();
    }

    private void flushPending() {
        List<Map.Entry<DeviceId, Reported>> rows = new ArrayList<>();
        long oldest = Long.MAX_VALUE;
        for (Long device : dirty.keySet()) {
            Reported reported = dirty.remove(device);
            if (reported != null) {
                rows.add(Map.entry(new DeviceId(device), reported));
                oldest = Math.min(oldest, reported.at().toEpochMilli());
            }
        }
        // Each batch is one transaction over its own range of ids: concurrent writers touch disjoint rows.
        rows.sort(Comparator.comparingLong(entry -> entry.getKey().value()));
        List<StatusStore.Sample> history = new ArrayList<>();
        StatusStore.Sample sample;
        while ((sample = samples.poll()) != null) {
            history.add(sample);
        }
        List<StatusBatchWriter.Batch> batches = new ArrayList<>();
        for (int from = 0; from < Math.max(rows.size(), history.size()); from += MAX_BATCH) {
            batches.add(new StatusBatchWriter.Batch(
                    rows.subList(Math.min(from, rows.size()), Math.min(from + MAX_BATCH, rows.size())),
                    history.subList(Math.min(from, history.size()), Math.min(from + MAX_BATCH, history.size()))));
        }
        Optional<StatusBatchWriter.Failure> failure = writer.write(batches);
        rowsWritten.add(rows.size() - failure.map(StatusBatchWriter.Failure::unwrittenRows).orElse(0L));
        if (failure.isPresent()) {
            // Nothing is lost and nothing written twice: what was not written goes back, unless a
            // newer report replaced it meanwhile.
            failure.get().unwritten().forEach(this::putBack);
            throw failure.get().cause();
        }
        if (oldest != Long.MAX_VALUE) {
            lastFlushLagMillis = clock.millis() - oldest;
        }
    }

    private void putBack(StatusBatchWriter.Batch batch) {
        batch.rows().forEach(entry -> dirty.merge(entry.getKey().value(), entry.getValue(), Reported::newer));
        samples.addAll(batch.history());
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "status flush failed; the latest state is kept in memory", e);
        } catch (Error e) {
            // A scheduled task that throws is never run again: keep flushing.
            LOG.log(System.Logger.Level.ERROR, "status flush failed", e);
        }
    }

    private void pruneQuietly() {
        try {
            store.pruneHistory(clock.instant().minus(settings.historyRetention()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "status history pruning failed", e);
        }
    }

    /** Stops the schedule and writes what is pending. */
    @Override
    public void close() {
        pruner.shutdownNow();
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
