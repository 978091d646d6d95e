package dev.roost.server.command;

import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Stripes;
import dev.roost.server.device.DeviceLink;
import dev.roost.server.error.RoostException;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Per-device ordered delivery: a device gets its commands in creation order, at most
 * {@code max-in-flight-per-device} running at once; the next goes when one finishes. After a
 * reconnect, the SENT commands that were never acknowledged are sent again (the agent drops
 * duplicates by id). One device's deliveries run under its lock (striped), so that storing SENT
 * and sending are never interleaved with another delivery or a cancel of the same device.
 */
final class CommandDelivery {
    private static final System.Logger LOG = System.getLogger(CommandDelivery.class.getName());
    private static final int LOCK_STRIPES = 1024;
    private static final int ASYNC_DELIVERIES = 32;

    /** Stores a new command; returns the command already stored under its idempotency key instead, if any. */
    @FunctionalInterface
    interface Insert {
        Optional<Command> apply(Command command);
    }

    private final CommandStore store;
    private final DeviceLink link;
    private final RunningCommands running;
    private final CommandFinisher finisher;
    private final CommandJournal journal;
    private final Clock clock;
    private final int maxInFlight;
    private final Function<DeviceId, Optional<String>> bootIds;
    private final EmptyQueues emptyQueues;
    private final Executor background;
    private final Semaphore asyncDeliveries = new Semaphore(ASYNC_DELIVERIES);
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    /** Devices whose last delivery pass left commands QUEUED (in-flight limit): a finish delivers the next. */
    private final Set<Long> backlogged = ConcurrentHashMap.newKeySet();

    CommandDelivery(CommandStore store, DeviceLink link, RunningCommands running, CommandFinisher finisher,
                    CommandJournal journal, Clock clock, int maxInFlight, Function<DeviceId, Optional<String>> bootIds,
                    EmptyQueues emptyQueues, Executor background) {
        this.store = store;
        this.link = link;
        this.running = running;
        this.finisher = finisher;
        this.journal = journal;
        this.clock = clock;
        this.maxInFlight = maxInFlight;
        this.bootIds = bootIds;
        this.emptyQueues = emptyQueues;
        this.background = background;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        finisher.afterFinish(done -> {
            emptyQueues.finished(done.deviceId(), done.id());
            if (backlogged.contains(done.deviceId().value())) {
                deliverPendingAsync(done.deviceId(), false);
            }
        });
    }

    /** Stores the command QUEUED, for a later delivery. */
    Command queue(Command command, String actor, Insert insert) {
        emptyQueues.forget(command.deviceId());
        Optional<Command> existing;
        try {
            existing = insert.apply(command);
        } finally {
            emptyQueues.forget(command.deviceId());
        }
        if (existing.isPresent()) {
            return existing.get();
        }
        journal.record(command, CommandState.QUEUED, actor, "queued");
        return command;
    }

    /**
     * Stores a new command of an online device and sends it at once when nothing waits before it
     * and a slot is free (stored SENT: one insert, and one read unless the device is known to have
     * no active command); otherwise it is queued in order.
     */
    Command deliverNew(Command command, String actor, Insert insert) {
        DeviceId device = command.deviceId();
        return underLock(device, () -> {
            if (emptyQueues.claim(device, command.id())) {
                return sendNew(command, actor, insert, () -> { });
            }
            // Marked before the read: a command finishing meanwhile must see it and deliver the next.
            backlogged.add(device.value());
            emptyQueues.forget(device);
            long generation = emptyQueues.generation(device);
            List<Command> active = store.active(device, activeReadLimit());
            long runningNow = active.stream().filter(c -> CommandState.RUNNING.contains(c.state())).count();
            if (runningNow >= maxInFlight || active.size() >= activeReadLimit()) {
                return queue(command, actor, insert);
            }
            if (active.stream().anyMatch(c -> c.state() == CommandState.QUEUED)) {
                // Older commands wait (a delivery failed or a reconnect pass runs): keep the order.
                Command queued = queue(command, actor, insert);
                deliverPending(device, false);
                return store.find(queued.id()).orElse(queued);
            }
            backlogged.remove(device.value());
            return sendNew(command, actor, insert, () -> {
                if (active.isEmpty()) {
                    emptyQueues.foundOnly(device, generation, command.id());
                }
            });
        });
    }

    /**
     * Stores the command SENT and sends it; {@code stored} runs once it is stored, before it can
     * finish. Under the device's lock.
     */
    private Command sendNew(Command command, String actor, Insert insert, Runnable stored) {
        DeviceId device = command.deviceId();
        Instant now = clock.instant();
        Command sent = command.sent(now.plus(command.timeout()), bootIdBefore(command), now);
        Optional<Command> existing;
        try {
            existing = insert.apply(sent);
        } catch (RuntimeException e) {
            emptyQueues.forget(device);
            throw e;
        }
        if (existing.isPresent()) {
            emptyQueues.forget(device);
            return existing.get();
        }
        stored.run();
        running.put(sent);
        journal.record(sent, CommandState.QUEUED, actor, "queued");
        journal.record(sent, CommandState.SENT, "system", "sent");
        if (!sendToDevice(device, wire(sent))) {
            backToQueue(sent);
            return sent.moved(CommandState.QUEUED, clock.instant(), Optional.empty(), 0, "");
        }
        return sent;
    }

    /** Delivery off the caller's thread; at most {@value #ASYNC_DELIVERIES} run at once. */
    void deliverPendingAsync(DeviceId device, boolean resendUnacked) {
        background.execute(() -> {
            try {
                asyncDeliveries.acquire();
                try {
                    deliverPending(device, resendUnacked);
                } finally {
                    asyncDeliveries.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "delivery to device " + device + " failed", e);
            }
        });
    }

    /**
     * Sends the device's queued commands in order, as long as fewer than the in-flight limit run;
     * with {@code resendUnacked}, SENT commands that were never acknowledged go out again first.
     */
    void deliverPending(DeviceId device, boolean resendUnacked) {
        underLock(device, () -> {
            backlogged.add(device.value());
            long generation = emptyQueues.generation(device);
            List<Command> active = store.active(device, activeReadLimit());
            // Before anything below can finish one of them: that finish then finds the mark.
            if (active.isEmpty()) {
                emptyQueues.foundNone(device, generation);
            } else if (active.size() == 1) {
                emptyQueues.foundOnly(device, generation, active.getFirst().id());
            }
            int runningNow = (int) active.stream().filter(c -> CommandState.RUNNING.contains(c.state())).count();
            boolean more = active.size() >= activeReadLimit();
            for (Command stored : active) {
                Command command = running.withHeldAck(stored);
                boolean resend = command.state() == CommandState.SENT;
                if (command.state() == CommandState.ACKED || (resend && !resendUnacked)) {
                    continue;
                }
                if (!resend && runningNow >= maxInFlight) {
                    more = true;
                    break;
                }
                Instant now = clock.instant();
                if (!resend && command.deliveryDeadline().isBefore(now)) {
                    finisher.expire(command);
                    continue;
                }
                Command sent = command.sent(now.plus(command.timeout()), bootIdBefore(command), now);
                if (!store.markSent(command.id(), sent.runDeadline().orElseThrow(), sent.bootIdBefore(), now)) {
                    continue;
                }
                running.put(sent);
                if (!resend) {
                    runningNow++;
                    journal.record(command, CommandState.SENT, "system", "sent");
                }
                if (!sendToDevice(device, wire(sent))) {
                    backToQueue(sent);
                    more = true;
                    break;
                }
            }
            if (!more) {
                backlogged.remove(device.value());
            }
            return null;
        });
    }

    /** Runs {@code action} with no delivery to the device in progress (a cancel must not race a send). */
    <T> T underLock(DeviceId device, Supplier<T> action) {
        ReentrantLock lock = locks[Stripes.of(device.value(), LOCK_STRIPES)];
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private String bootIdBefore(Command command) {
        return command.isReboot() ? bootIds.apply(command.deviceId()).orElse("") : "";
    }

    /**
     * Sends through the link; false when the device has no live session, or its node (in a
     * cluster) could not be reached: the command then waits in the queue for the sweep or the
     * device's next login.
     */
    private boolean sendToDevice(DeviceId device, Messages.Command command) {
        try {
            return link.send(device, command);
        } catch (RoostException e) {
            LOG.log(System.Logger.Level.WARNING, "command {0} stays queued: {1}", command.commandId(), e.getMessage());
            return false;
        }
    }

    /** The device went away during a delivery: the command goes back in the queue, in its place. */
    private void backToQueue(Command sent) {
        running.remove(sent.id());
        store.transition(sent.id(), EnumSet.of(CommandState.SENT), CommandState.QUEUED, clock.instant(),
                Optional.empty(), 0, "");
    }

    private static Messages.Command wire(Command command) {
        return new Messages.Command(command.id().toString(), command.name(), command.params(),
                command.timeout().toMillis());
    }

    /** Enough rows to see every running command and the next deliverable ones. */
    private int activeReadLimit() {
        return 2 * maxInFlight + 1;
    }
}
