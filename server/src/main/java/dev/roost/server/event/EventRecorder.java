package dev.roost.server.event;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.storage.RejectedRows;
import dev.roost.server.storage.RowBatches;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes frequent device events (connects, disconnects, command transitions) at once and writes
 * them to the device log in batches: a reconnect storm or a command burst costs one transaction
 * per batch, not one per event.
 *
 * <p>While the database is unreachable, events wait in memory and are written in their order once
 * it is back; beyond {@value #MAX_PENDING} waiting events the oldest are dropped and counted
 * ({@link #dropped()}). An event the database refuses for its data is set aside and counted in
 * {@link RejectedRows}; it never holds up the events of other devices.
 */
public final class EventRecorder implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventRecorder.class.getName());
    static final String TABLE = "device_events";
    private static final int MAX_BATCH = 1000;
    private static final int MAX_PENDING = 1_000_000;

    private final EventStore store;
    private final EventBus bus;
    private final RejectedRows rejected;
    private final ConcurrentLinkedDeque<DeviceEvent> pending = new ConcurrentLinkedDeque<>();
    private final ReentrantLock flushLock = new ReentrantLock();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    /**
     * The presence the last connect or disconnect recorded here left each device in: one small
     * entry per device seen, read on every login.
     */
    private final ConcurrentMap<Long, DeviceState> lastPresence = new ConcurrentHashMap<>();
    /** Only the flusher thread reads and writes it. */
    private boolean failing;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-event-flush").daemon().factory());

    public EventRecorder(EventStore store, EventBus bus, RejectedRows rejected, Duration flushInterval) {
        this.store = store;
        this.bus = bus;
        this.rejected = rejected;
        flusher.scheduleWithFixedDelay(this::flushQuietly, flushInterval.toMillis(), flushInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public void record(DeviceEvent event) {
        if (event.type().isPresence()) {
            lastPresence.put(event.deviceId().value(), event.to());
        }
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

    /**
     * The device's presence as the last connect or disconnect recorded by this process left it;
     * empty for a device not seen since the start. Unlike the stored device state, which lags by
     * up to one flush (and the device cache by its TTL), it is current at once.
     */
    public Optional<DeviceState> lastPresence(DeviceId device) {
        return Optional.ofNullable(lastPresence.get(device.value()));
    }

    /** Events dropped, oldest first, because more than {@value #MAX_PENDING} waited for the database. */
    public long dropped() {
        return dropped.get();
    }

    /** Events waiting to be written. */
    public int pending() {
        return pendingCount.get();
    }

    /**
     * Writes everything recorded before the call; throws when the database fails, keeping what was
     * not written. Events recorded meanwhile wait for the next round: under steady load a round
     * then writes a few large batches rather than chasing each late event with a small one.
     */
    public void flush() {
        flushLock.lock();
        try {
            flushPending(pendingCount.get());
        } finally {
            flushLock.unlock();
        }
    }

    private void flushPending(int due) {
        int taken = 0;
        while (taken < due && !pending.isEmpty()) {
            List<DeviceEvent> batch = new ArrayList<>();
            DeviceEvent next;
            while (batch.size() < MAX_BATCH && taken < due && (next = pending.pollFirst()) != null) {
                batch.add(next);
                taken++;
                pendingCount.decrementAndGet();
            }
            RowBatches.Outcome<DeviceEvent> outcome = RowBatches.write(batch, store::recordEvents);
            outcome.rejected().forEach(refused -> rejected.reject(TABLE, describe(refused.row()), refused.cause()));
            if (outcome.failure().isPresent()) {
                // Keep the order: put what was not written back in front of what arrived meanwhile.
                List<DeviceEvent> unwritten = outcome.unwritten();
                for (int i = unwritten.size() - 1; i >= 0; i--) {
                    pending.addFirst(unwritten.get(i));
                    pendingCount.incrementAndGet();
                }
                throw outcome.failure().get();
            }
        }
    }

    private static String describe(DeviceEvent event) {
        return "device " + event.deviceId() + ", " + event.type().wireName() + " event " + event.id();
    }

    private void flushQuietly() {
        try {
            flush();
            if (failing) {
                failing = false;
                LOG.log(System.Logger.Level.INFO, "device log writes resumed");
            }
        } catch (RuntimeException e) {
            // One line when the database goes away, not one per round while it stays away.
            if (!failing) {
                failing = true;
                LOG.log(System.Logger.Level.WARNING, "device log writes failing; {0} events wait and are retried "
                        + "every round: {1}", pending(), String.valueOf(e.getMessage()));
            }
        } catch (Error e) {
            // A scheduled task that throws is never run again: keep flushing.
            LOG.log(System.Logger.Level.ERROR, "event flush failed", e);
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
