package dev.roost.server.command;

import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.common.Snowflake;
import dev.roost.server.common.Validation;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.device.DeviceLink;
import dev.roost.server.common.DeviceState;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventType;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Cloud-to-device commands: the operator's use cases, and the hooks the device side calls. Every
 * state change is a conditional update in the store, so a late result, a timeout and a cancel
 * cannot both win. The work is split by job: {@link CommandDelivery} (ordered, paced delivery),
 * {@link CommandSweeper} (timeouts, expiry), {@link CommandResults} (acks and results),
 * {@link RebootVerifier} (boot-id evidence) and {@link CommandFinisher} (final states). Over 300
 * lines because it is the one entry point of every command use case (send, group send, cancel,
 * wait, list) and their permission and validation checks; the work behind each is in those classes.
 */
public final class CommandService implements AutoCloseable {
    private static final Executor VIRTUAL = runnable -> Thread.ofVirtual().start(runnable);
    /** Devices whose empty queue is remembered at most (one small map entry each). */
    private static final int KNOWN_DEVICES = 200_000;

    private final CommandStore store;
    private final CommandTargets targets;
    private final DeviceLink link;
    private final Snowflake ids;
    private final Clock clock;
    private final CommandSettings settings;
    private final Semaphore sends;
    private final RunningCommands running = new RunningCommands();
    private final CommandWaiters waiters = new CommandWaiters();
    private final CommandJournal journal;
    private final TransitionWriter writer;
    private final CommandFinisher finisher;
    private final CommandDelivery delivery;
    private final RebootVerifier reboots;
    private final CommandResults results;
    private final CommandSweeper sweeper;
    private final EmptyQueues emptyQueues;

    /** Who inserts commands into the database: what this node may know of a device's queue without a read. */
    public enum Writers {
        /** This process alone: a device's queue is known to be empty when this node saw it empty. */
        THIS_NODE,
        /** The nodes of a cluster: any of them may queue a command for any device; every send reads. */
        CLUSTER
    }

    /**
     * @param recorder where command transitions go as device events (the device log and the bus)
     * @param bus      connections and status reports (reboot evidence), other nodes' finished commands
     * @param bootIds  a device's last reported boot id
     */
    public CommandService(CommandStore store, CommandTargets targets, DeviceLink link, Consumer<DeviceEvent> recorder,
                          EventBus bus, Snowflake ids, Clock clock, CommandSettings settings,
                          Function<DeviceId, Optional<String>> bootIds, Writers writers) {
        this(store, targets, link, recorder, bus, ids, clock, settings, bootIds, writers == Writers.THIS_NODE
                ? new EmptyQueues(KNOWN_DEVICES) : EmptyQueues.none(), VIRTUAL);
    }

    /** @param background where deliveries and reboot checks run off the caller's thread */
    CommandService(CommandStore store, CommandTargets targets, DeviceLink link, Consumer<DeviceEvent> recorder,
                   EventBus bus, Snowflake ids, Clock clock, CommandSettings settings,
                   Function<DeviceId, Optional<String>> bootIds, EmptyQueues emptyQueues, Executor background) {
        this.store = store;
        this.targets = targets;
        this.link = link;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
        this.sends = new Semaphore(settings.maxConcurrentSends());
        this.emptyQueues = emptyQueues;
        store.running().forEach(running::put);
        this.journal = new CommandJournal(recorder, ids, clock, link::isOnline);
        this.writer = new TransitionWriter(store, settings.writeWindow(), settings.ackWriteDelay());
        this.finisher = new CommandFinisher(store, writer, running, waiters, journal, clock);
        this.delivery = new CommandDelivery(store, link, running, finisher, journal, clock,
                settings.maxInFlightPerDevice(), bootIds, emptyQueues, background);
        this.reboots = new RebootVerifier(store, finisher, bootIds, background);
        reboots.recover(running.all());
        this.results = new CommandResults(store, writer, running, finisher, journal, reboots, link, clock, settings);
        this.sweeper = new CommandSweeper(store, running, finisher, delivery, link, clock, settings);
        bus.listen(reboots::needs, reboots::onDeviceEvent);
        bus.listenRemote(header -> header.type() == EventType.COMMAND && header.finalCommand(),
                event -> CommandJournal.finishedIn(event).ifPresent(finisher::finishedElsewhere));
    }

    /**
     * Whether an event is a command's transition into a final state: of all command events, the
     * other nodes of a cluster need only these (to wake callers waiting there). The cluster carries
     * the answer beside the event, so that they need not decode the others.
     */
    public static boolean finishesCommand(DeviceEvent event) {
        return CommandJournal.finishedIn(event).isPresent();
    }

    /** The device listener is open: the restart grace is given, then timeouts and expiries start. */
    public void listenerOpened() {
        sweeper.start();
    }

    // ---- northbound use cases ----

    /**
     * Stores the command and, when the device is online and has room, delivers it at once: one
     * insert (in a group commit) in the common case, and one read unless the device is known to have
     * no active command. At most {@code max-concurrent-sends} sends are stored at
     * once; beyond that the caller is refused at once (RATE_LIMITED) rather than queued on the pool.
     */
    public Command send(Caller caller, DeviceId deviceId, NewCommand request) {
        caller.require(Role.OPERATOR);
        CommandRequest valid = CommandRequest.of(request, settings, clock.instant());
        if (!sends.tryAcquire()) {
            throw new RoostException(ErrorCode.RATE_LIMITED, "too many commands being sent at once ("
                    + settings.maxConcurrentSends() + "); retry shortly");
        }
        try {
            DeviceState state = targets.deviceState(deviceId)
                    .orElseThrow(() -> RoostException.notFound("device", deviceId));
            if (state == DeviceState.DISABLED || state == DeviceState.DECOMMISSIONED) {
                throw new RoostException(ErrorCode.FAILED_PRECONDITION, "device " + deviceId + " is " + state
                        + " and takes no commands");
            }
            if (valid.key().isPresent()) {
                Optional<Command> existing = store.findByKey(deviceId, valid.key().get());
                if (existing.isPresent()) {
                    return valid.sameOrConflict(existing.get());
                }
            }
            Command command = valid.toCommand(new CommandId(ids.nextId()), deviceId, Optional.empty(), clock.instant());
            link.checkReachable(deviceId);
            CommandDelivery.Insert insert = c -> insert(c, valid);
            return link.isOnline(deviceId) ? delivery.deliverNew(command, caller.name(), insert)
                    : delivery.queue(command, caller.name(), insert);
        } finally {
            sends.release();
        }
    }

    /**
     * Inserts through the group commit and returns once the row is durable; on a taken idempotency
     * key returns the command stored under it (or fails on a conflict).
     */
    private Optional<Command> insert(Command command, CommandRequest valid) {
        try {
            CommandFinisher.joined(writer.submit(new CommandStore.Insert(command)));
            return Optional.empty();
        } catch (RoostException e) {
            if (e.code() == ErrorCode.ALREADY_EXISTS && valid.key().isPresent()) {
                return Optional.of(valid.sameOrConflict(store.findByKey(command.deviceId(), valid.key().get())
                        .orElseThrow(() -> e)));
            }
            throw e;
        }
    }

    /** Sends to every member of the group: one command each, plus the aggregate handle. */
    public GroupCommand sendToGroup(Caller caller, GroupId groupId, NewCommand request) {
        caller.require(Role.OPERATOR);
        CommandRequest valid = CommandRequest.of(request, settings, clock.instant());
        if (!targets.groupExists(groupId)) {
            throw RoostException.notFound("group", groupId);
        }
        if (valid.key().isPresent()) {
            Optional<GroupCommand> existing = store.findGroupByKey(groupId, valid.key().get());
            if (existing.isPresent()) {
                return valid.sameOrConflict(existing.get());
            }
        }
        List<DeviceId> members = targets.members(groupId);
        GroupCommandId groupCommandId = new GroupCommandId(ids.nextId());
        CommandRequest perDevice = valid.withoutKey();
        Instant now = clock.instant();
        List<Command> commands = members.stream()
                .map(member -> perDevice.toCommand(new CommandId(ids.nextId()), member, Optional.of(groupCommandId), now))
                .toList();
        GroupCommand group = new GroupCommand(groupCommandId, groupId, valid.name(), valid.params(), commands.size(),
                Map.of(), now);
        // Forgotten again once stored: a delivery reading a member's queue meanwhile may miss these rows.
        members.forEach(emptyQueues::forget);
        try {
            store.insertGroup(group, valid.key().orElse(""), commands);
        } finally {
            members.forEach(emptyQueues::forget);
        }
        for (Command command : commands) {
            journal.record(command, CommandState.QUEUED, caller.name(), "queued");
            if (link.isOnline(command.deviceId())) {
                delivery.deliverPendingAsync(command.deviceId(), false);
            }
        }
        return store.findGroup(groupCommandId).orElse(group);
    }

    /** The command; when {@code wait} is positive, first waits up to that long for a final state. */
    public Command get(Caller caller, CommandId id, Duration wait) {
        caller.require(Role.VIEWER);
        validWait(wait);
        Command command = existing(id);
        if (wait.isZero() || command.state().isFinal()) {
            return command;
        }
        return waitFor(command, wait);
    }

    /** Sends, then waits up to {@code wait} for a final state; the wait is checked before anything is sent. */
    public Command sendAndWait(Caller caller, DeviceId deviceId, NewCommand request, Duration wait) {
        validWait(wait);
        Command sent = send(caller, deviceId, request);
        return wait.isZero() || sent.state().isFinal() ? sent : waitFor(sent, wait);
    }

    /** While the command is still in the running index its finish will wake the waiter: no read needed. */
    private Command waitFor(Command command, Duration wait) {
        CommandId id = command.id();
        return waiters.await(id, wait, () -> running.find(id).orElseGet(() -> existing(id)))
                .orElseGet(() -> existing(id));
    }

    private static void validWait(Duration wait) {
        if (wait.isNegative() || wait.compareTo(CommandSettings.MAX_WAIT) > 0) {
            throw RoostException.invalid("wait_timeout_ms", "must be 0.." + CommandSettings.MAX_WAIT.toMillis());
        }
    }

    public GroupCommand getGroup(Caller caller, GroupCommandId id) {
        caller.require(Role.VIEWER);
        return store.findGroup(id).orElseThrow(() -> RoostException.notFound("group command", id));
    }

    public Page<Command> list(Caller caller, CommandFilter filter, PageRequest page) {
        caller.require(Role.VIEWER);
        return store.list(filter, page);
    }

    /** Cancels a command that is QUEUED or SENT; the device is told, best effort. */
    public Command cancel(Caller caller, CommandId id, String reason) {
        caller.require(Role.OPERATOR);
        String why = Validation.optional("reason", reason, 512);
        Command command = existing(id);
        if (!CommandState.CANCELLABLE.contains(command.state())) {
            throw new RoostException(ErrorCode.FAILED_PRECONDITION, "command " + id + " is " + command.state()
                    + "; only QUEUED or SENT commands can be cancelled");
        }
        String message = why.isEmpty() ? "cancelled" : why;
        // Under the device's delivery lock, so that no delivery is between storing SENT and sending.
        delivery.underLock(command.deviceId(), () -> {
            if (finisher.finish(command, EnumSet.of(CommandState.QUEUED), CommandState.CANCELLED, Optional.empty(), 0,
                    message, caller.name())) {
                return null;
            }
            if (!finisher.finish(command, EnumSet.of(CommandState.SENT), CommandState.CANCELLED, Optional.empty(), 0,
                    message, caller.name())) {
                throw new RoostException(ErrorCode.FAILED_PRECONDITION, "command " + id + " changed state meanwhile");
            }
            link.send(command.deviceId(), new Messages.CommandCancel(id.toString()));
            return null;
        });
        return existing(id);
    }

    /** The stored command, ACKED when this node holds its device's ack back (ack-write-delay). */
    private Command existing(CommandId id) {
        return running.withHeldAck(store.find(id).orElseThrow(() -> RoostException.notFound("command", id)));
    }

    // ---- hooks of the device side ----

    /** Commands SENT or ACKED and not finished (for metrics). */
    public int runningCount() {
        return running.size();
    }

    /** Commands waiting to be (re)delivered to the device. */
    public int pendingCount(DeviceId device) {
        return store.countUndelivered(device);
    }

    /**
     * After a device (re)connected: delivers its queued commands and sends again the ones SENT
     * but never acknowledged (the link dropped); the agent drops duplicates by command id.
     */
    public void deliverAfterReconnect(DeviceId device) {
        delivery.deliverPendingAsync(device, true);
    }

    /** The device accepted a command; false when it has no such running command. */
    public boolean acked(DeviceId device, String commandId) {
        return results.acked(device, commandId);
    }

    /**
     * Stores a device's result on a result worker, never on the caller's (connection's) thread, and
     * then calls {@code answer} with the outcome on that worker.
     *
     * @return false when the workers' queue is full: nothing was taken, the device should resend later
     */
    public boolean finishLater(DeviceId device, Messages.CommandResult result, Consumer<ResultOutcome> answer) {
        return results.finishLater(device, result, answer);
    }

    /** The device reports a result, stored on the caller's thread (tests). */
    ResultOutcome finished(DeviceId device, Messages.CommandResult result) {
        return results.finished(device, result);
    }

    boolean isWaitedFor(CommandId id) {
        return waiters.isWaiting(id);
    }

    /**
     * Evidence of a finished reboot from a device that cannot report a boot id (the legacy v0
     * controller restarts its process and logs in again); see {@link RebootVerifier#observed}.
     *
     * @return how many reboot commands succeeded
     */
    public int rebootObserved(DeviceId device, String evidence) {
        return reboots.observed(device, evidence);
    }

    RebootVerifier reboots() {
        return reboots;
    }

    /** One sweep now (tests drive it with their clock). */
    void sweep() {
        sweeper.sweep();
    }

    @Override
    public void close() {
        sweeper.close();
        results.close();
        writer.close();
    }
}
