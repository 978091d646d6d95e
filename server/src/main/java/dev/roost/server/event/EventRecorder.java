package dev.roost.server.event;

import dev.roost.server.device.DeviceEvent;
import dev.roost.server.device.DeviceStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes frequent device events (connects, disconnects, command transitions) at once and writes
 * them to the device log in batches: a reconnect storm or a command burst costs one transaction
 * per batch, not one per event. Nothing is dropped when a write fails; it is retried next round.
 */
public final class EventRecorder implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventRecorder.class.getName());
    private static final int MAX_BATCH = 1000;
    /** While the database is down, at most this many events wait; the oldest go first beyond it. */
    private static final int MAX_PENDING = 1_000_000;

    private final DeviceStore store;
    private final EventBus bus;
    private final ConcurrentLinkedDeque<DeviceEvent> pending = new ConcurrentLinkedDeque<>();
    private final ReentrantLock flushLock = new ReentrantLock();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-event-flush").daemon().factory());

    public EventRecorder(DeviceStore store, EventBus bus, Duration flushInterval) {
        this.store = store;
        this.bus = bus;
        flusher.scheduleWithFixedDelay(this::flushQuietly, flushInterval.toMillis(), flushInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public void record(DeviceEvent event) {
        pending.add(event);
        if (pendingCount.incrementAndGet() > MAX_PENDING && pending.pollFirst() != null) {
            pendingCount.decrementAndGet();
            if (dropped.getAndIncrement() % 10_000 == 0) {
                LOG.log(System.Logger.Level.WARNING, "device log writes are failing; dropped {0} oldest events so far",
                        String.valueOf(dropped.get()));
            }
        }
        bus.publish(event);
    }

    /** Writes everything recorded so far. */
    public void flush() {
        flushLock.lock();
        try {
            flushPending();
        } finally {
            flushLock.unlock();
        }
    }

    private void flushPending() {
        while (!pending.isEmpty()) {
            List<DeviceEvent> batch = new ArrayList<>();
            DeviceEvent next;
            while (batch.size() < MAX_BATCH && (next = pending.pollFirst()) != null) {
                batch.add(next);
                pendingCount.decrementAndGet();
            }
            try {
                store.recordEvents(batch);
            } catch (RuntimeException e) {
                // Keep the order: put the batch back in front of what arrived meanwhile.
                for (int i = batch.size() - 1; i >= 0; i--) {
                    pending.addFirst(batch.get(i));
                    pendingCount.incrementAndGet();
                }
                throw e;
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event flush failed; retrying next round", e);
        }
    }

    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
