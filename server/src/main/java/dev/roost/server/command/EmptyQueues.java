package dev.roost.server.command;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Stripes;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What this node knows, without a read, of a device's active (QUEUED, SENT, ACKED) commands: that
 * it has none ({@link #isEmpty}), or that exactly one command is active (the one this node last
 * delivered to an empty device). A device it knows nothing of is read as usual; so is every device
 * when the knowledge is {@link #none()} (a cluster: other nodes insert commands into the same
 * database). Bounded: beyond its capacity an arbitrary device is forgotten, which only costs a read.
 *
 * <p>Knowledge is only ever gained from a read or from a finish, and every store of a new command
 * for the device ({@link #forget}, before and after its write) takes it away. A read may miss a
 * command whose insert has not committed yet, so what a read found empty is kept only when no
 * forget of the device (counted per stripe of devices) came between just before the read and the
 * mark: a wrong "empty" would let a later command overtake a queued one.
 */
final class EmptyQueues {
    private static final int GENERATION_STRIPES = 4096;
    /** The marker for "no active command"; command ids are positive. */
    private static final long NONE_ACTIVE = 0;

    private final int capacity;
    /** Device → its only active command's id, or {@link #NONE_ACTIVE}. Absent: unknown. */
    private final ConcurrentMap<Long, Long> known = new ConcurrentHashMap<>();
    private final AtomicLongArray generations = new AtomicLongArray(GENERATION_STRIPES);

    /** @param capacity devices known at most (0: nothing is ever known) */
    EmptyQueues(int capacity) {
        this.capacity = capacity;
    }

    /** Knows nothing, ever: every delivery reads. */
    static EmptyQueues none() {
        return new EmptyQueues(0);
    }

    /** True when the device is known to have no active command. */
    boolean isEmpty(DeviceId device) {
        Long only = known.get(device.value());
        return only != null && only == NONE_ACTIVE;
    }

    /**
     * Claims a device known to be empty for {@code command}, about to be stored as its only active
     * command: true when the device was known empty (no read is needed), false otherwise.
     */
    boolean claim(DeviceId device, CommandId command) {
        return known.replace(device.value(), NONE_ACTIVE, command.value());
    }

    /**
     * A new command of the device is being (or was just) stored outside a claim: what was known of
     * it no longer holds. Call it before the write and again once it committed.
     */
    void forget(DeviceId device) {
        generations.incrementAndGet(stripe(device));
        known.remove(device.value());
    }

    /** To take just before a read of the device's active commands; see {@link #foundNone}. */
    long generation(DeviceId device) {
        return generations.get(stripe(device));
    }

    /** A read started at {@code generation} found no active command. */
    void foundNone(DeviceId device, long generation) {
        mark(device, generation, NONE_ACTIVE);
    }

    /**
     * A read started at {@code generation} found {@code command} to be the only active one (or
     * found none, and then {@code command} was stored).
     */
    void foundOnly(DeviceId device, long generation, CommandId command) {
        mark(device, generation, command.value());
    }

    /** A command finished: when it was the device's only active one, the device is now empty. */
    void finished(DeviceId device, CommandId command) {
        known.replace(device.value(), command.value(), NONE_ACTIVE);
    }

    /**
     * Check and store are one atomic step for this key, and {@link #forget} moves the generation
     * before it removes the key: a forget either fails the check or removes what was stored.
     */
    private void mark(DeviceId device, long generation, long only) {
        if (capacity == 0) {
            return;
        }
        if (known.size() >= capacity && !known.containsKey(device.value())) {
            Iterator<Long> any = known.keySet().iterator();
            if (any.hasNext()) {
                any.next();
                any.remove();
            }
        }
        Long value = only;
        known.compute(device.value(), (key, was) -> generations.get(stripe(device)) == generation ? value : was);
    }

    private static int stripe(DeviceId device) {
        return Stripes.of(device.value(), GENERATION_STRIPES);
    }

    int size() {
        return known.size();
    }
}
