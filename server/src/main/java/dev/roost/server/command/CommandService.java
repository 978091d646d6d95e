package dev.roost.server.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Json;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.common.Snowflake;
import dev.roost.server.common.Text;
import dev.roost.server.common.Validation;
import dev.roost.server.device.Device;
import dev.roost.server.device.DeviceLink;
import dev.roost.server.device.DeviceStore;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventDetail.CommandDetail;
import dev.roost.server.event.EventDetail.StatusDetail;
import dev.roost.server.event.EventRecorder;
import dev.roost.server.event.EventType;
import dev.roost.server.group.GroupStore;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Cloud-to-device commands. Every state change is a conditional update in the store, so a late
 * result, a timeout and a cancel cannot both win. Delivery to a device is in creation order and
 * paced: at most {@code maxInFlightPerDevice} running at once; the next one goes when one finishes.
 */
public final class CommandService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CommandService.class.getName());
    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_.-]{0,63}$");
    private static final int MAX_PARAMS_CHARS = 16 * 1024;
    private static final int LOCK_STRIPES = 1024;
    private static final int ASYNC_DELIVERIES = 32;
    private static final Executor VIRTUAL = runnable -> Thread.ofVirtual().start(runnable);

    private final CommandStore store;
    private final DeviceStore devices;
    private final GroupStore groups;
    private final DeviceLink link;
    private final EventRecorder recorder;
    private final Snowflake ids;
    private final Clock clock;
    private final CommandSettings settings;
    private final Function<DeviceId, Optional<String>> bootIds;
    private final CommandWaiters waiters = new CommandWaiters();
    private final Semaphore asyncDeliveries = new Semaphore(ASYNC_DELIVERIES);
    private final Semaphore sends;
    private final ReentrantLock[] deliveryLocks = new ReentrantLock[LOCK_STRIPES];
    /**
     * SENT and ACKED commands by id, as stored: acks, results and timeouts need no read, and their
     * run deadlines drive the sweep.
     */
    private final ConcurrentMap<Long, Command> running = new ConcurrentHashMap<>();
    /** Devices whose last delivery pass left commands QUEUED (in-flight limit): a finish delivers the next. */
    private final Set<Long> backlogged = ConcurrentHashMap.newKeySet();
    /** Devices with an acknowledged reboot waiting for evidence, and how far they got. */
    private final ConcurrentMap<Long, RebootWait> rebooting = new ConcurrentHashMap<>();
    /** With the default 500 ms sweep: every 5 s. */
    private static final int QUEUED_CHECK_EVERY_SWEEPS = 10;
    private long sweeps;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-command-sweep").daemon().factory());
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final RestartGrace restartGrace;
    private final ResultLanes resultLanes;
    private final TransitionWriter writer;
    /**
     * Results handed to the writer and not yet committed, at most: beyond it a result lane waits,
     * its queue fills, and devices are told to resend (a frozen database stalls no connection).
     */
    private final Semaphore resultsInFlight = new Semaphore(RESULTS_IN_FLIGHT);
    private static final int RESULTS_IN_FLIGHT = 2048;

    public CommandService(CommandStore store, DeviceStore devices, GroupStore groups, DeviceLink link,
                          EventRecorder recorder, EventBus bus, Snowflake ids, Clock clock, CommandSettings settings,
                          Function<DeviceId, Optional<String>> bootIds) {
        this.store = store;
        this.devices = devices;
        this.groups = groups;
        this.link = link;
        this.recorder = recorder;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
        this.bootIds = bootIds;
        this.sends = new Semaphore(settings.maxConcurrentSends());
        for (int i = 0; i < LOCK_STRIPES; i++) {
            deliveryLocks[i] = new ReentrantLock();
        }
        for (Command command : store.running()) {
            running.put(command.id().value(), command);
            if (command.isReboot() && command.state() == CommandState.ACKED) {
                rebooting.put(command.deviceId().value(), RebootWait.ACKED);
            }
        }
        this.restartGrace = new RestartGrace(settings.restartGrace());
        this.resultLanes = new ResultLanes(settings.resultWorkers(), settings.resultQueue());
        this.writer = new TransitionWriter(store, settings.writeWindow());
        bus.listen(this::onDeviceEvent);
        bus.listenRemote(this::onRemoteEvent);
    }

    /**
     * The device listener is open: commands still running from before the start get the restart
     * grace ({@link RestartGrace}), and only then do timeouts and expiries start. Before this, the
     * sweep would time commands out while their devices could not even connect.
     */
    public void listenerOpened() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        Instant floor = restartGrace.floor(clock.instant());
        running.replaceAll((id, command) -> RestartGrace.applied(command, floor));
        int extended = store.extendRunDeadlines(floor);
        if (extended > 0) {
            LOG.log(System.Logger.Level.INFO, "{0} commands running before the start may run until {1} (restart "
                    + "grace {2})", String.valueOf(extended), floor, settings.restartGrace());
        }
        long every = settings.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    // ---- northbound use cases ----

    /**
     * Stores the command and, when the device is online and has room, delivers it at once: one read
     * and one insert in the common case. At most {@code max-concurrent-sends} sends are stored at
     * once; beyond that the caller is refused at once (RATE_LIMITED) rather than queued on the pool.
     */
    public Command send(Caller caller, DeviceId deviceId, NewCommand request) {
        caller.require(Role.OPERATOR);
        Validated valid = validate(request);
        if (!sends.tryAcquire()) {
            throw new RoostException(ErrorCode.RATE_LIMITED, "too many commands being sent at once ("
                    + settings.maxConcurrentSends() + "); retry shortly");
        }
        try {
            Device device = devices.find(deviceId).orElseThrow(() -> RoostException.notFound("device", deviceId));
            requireCommandable(device);
            if (valid.key().isPresent()) {
                Optional<Command> existing = store.findByKey(deviceId, valid.key().get());
                if (existing.isPresent()) {
                    return sameOrConflict(existing.get(), valid);
                }
            }
            Command command = newCommand(deviceId, valid, 0);
            link.checkReachable(deviceId);
            return link.isOnline(deviceId) ? storeAndDeliver(command, valid, caller.name())
                    : storeQueued(command, valid, caller.name());
        } finally {
            sends.release();
        }
    }

    private Command storeQueued(Command command, Validated valid, String actor) {
        Optional<Command> existing = insert(command, valid);
        if (existing.isPresent()) {
            return existing.get();
        }
        recordTransition(command, CommandState.QUEUED, actor, "queued");
        return command;
    }

    /** In the device's delivery order: sent at once when nothing waits before it and a slot is free. */
    private Command storeAndDeliver(Command command, Validated valid, String actor) {
        DeviceId device = command.deviceId();
        ReentrantLock lock = deliveryLock(device);
        lock.lock();
        try {
            // Marked before the read: a command finishing meanwhile must see it and deliver the next.
            backlogged.add(device.value());
            List<Command> active = store.active(device, activeReadLimit());
            long runningNow = active.stream().filter(c -> CommandState.RUNNING.contains(c.state())).count();
            boolean queuedBefore = active.stream().anyMatch(c -> c.state() == CommandState.QUEUED);
            if (runningNow >= settings.maxInFlightPerDevice() || active.size() >= activeReadLimit()) {
                return storeQueued(command, valid, actor);
            }
            if (queuedBefore) {
                // Older commands wait (a delivery failed or a reconnect pass runs): keep the order.
                Command queued = storeQueued(command, valid, actor);
                deliverPending(device, false);
                return store.find(queued.id()).orElse(queued);
            }
            Instant now = clock.instant();
            Command sent = command.sent(now.plus(command.timeout()),
                    command.isReboot() ? bootIds.apply(device).orElse("") : "", now);
            backlogged.remove(device.value());
            Optional<Command> existing = insert(sent, valid);
            if (existing.isPresent()) {
                return existing.get();
            }
            running.put(sent.id().value(), sent);
            recordTransition(sent, CommandState.QUEUED, actor, "queued");
            recordTransition(sent, CommandState.SENT, "system", "sent");
            if (!sendToDevice(device, wire(sent))) {
                backToQueue(sent);
                return sent.moved(CommandState.QUEUED, clock.instant(), Optional.empty(), 0, "");
            }
            return sent;
        } finally {
            lock.unlock();
        }
    }

    /** Inserts; on a taken idempotency key returns the command stored under it (or fails on a conflict). */
    private Optional<Command> insert(Command command, Validated valid) {
        try {
            store.insert(command);
            return Optional.empty();
        } catch (RoostException e) {
            if (e.code() == ErrorCode.ALREADY_EXISTS && valid.key().isPresent()) {
                return Optional.of(sameOrConflict(store.findByKey(command.deviceId(), valid.key().get())
                        .orElseThrow(() -> e), valid));
            }
            throw e;
        }
    }

    /** Sends to every member of the group: one command each, plus the aggregate handle. */
    public GroupCommand sendToGroup(Caller caller, GroupId groupId, NewCommand request) {
        caller.require(Role.OPERATOR);
        Validated valid = validate(request);
        if (groups.find(groupId).isEmpty()) {
            throw RoostException.notFound("group", groupId);
        }
        if (valid.key().isPresent()) {
            Optional<GroupCommand> existing = store.findGroupByKey(groupId.value(), valid.key().get());
            if (existing.isPresent()) {
                if (existing.get().name().equals(valid.name()) && existing.get().params().equals(valid.params())) {
                    return existing.get();
                }
                throw new RoostException(ErrorCode.FAILED_PRECONDITION, "idempotency key '" + valid.key().get()
                        + "' was used for group command " + existing.get().id() + " with a different name or params");
            }
        }
        List<DeviceId> members = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_SIZE);
        while (true) {
            Page<DeviceId> chunk = groups.members(groupId, page);
            members.addAll(chunk.items());
            if (chunk.nextCursor().isEmpty()) {
                break;
            }
            page = PageRequest.of(PageRequest.MAX_SIZE, chunk.nextCursor().get());
        }
        long groupCommandId = ids.nextId();
        Validated perDevice = new Validated(valid.name(), valid.params(), valid.timeout(), valid.deliveryDeadline(),
                Optional.empty());
        List<Command> commands = members.stream().map(member -> newCommand(member, perDevice, groupCommandId))
                .toList();
        GroupCommand group = new GroupCommand(groupCommandId, groupId, valid.name(), valid.params(), commands.size(),
                java.util.Map.of(), clock.instant());
        store.insertGroup(group, valid.key().orElse(""), commands);
        for (Command command : commands) {
            recordTransition(command, CommandState.QUEUED, caller.name(), "queued");
            if (link.isOnline(command.deviceId())) {
                deliverPendingAsync(command.deviceId(), false);
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
        Supplier<Command> current = () -> {
            Command live = running.get(id.value());
            return live != null ? live : existing(id);
        };
        return waiters.await(id, wait, current).orElseGet(() -> existing(id));
    }

    private static Duration validWait(Duration wait) {
        if (wait.isNegative() || wait.compareTo(CommandSettings.MAX_WAIT) > 0) {
            throw RoostException.invalid("wait_timeout_ms", "must be 0.." + CommandSettings.MAX_WAIT.toMillis());
        }
        return wait;
    }

    public GroupCommand getGroup(Caller caller, long id) {
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
        ReentrantLock lock = deliveryLock(command.deviceId());
        lock.lock();
        try {
            if (!finish(command, EnumSet.of(CommandState.QUEUED), CommandState.CANCELLED, Optional.empty(), 0,
                    message, caller.name())) {
                if (!finish(command, EnumSet.of(CommandState.SENT), CommandState.CANCELLED, Optional.empty(), 0,
                        message, caller.name())) {
                    throw new RoostException(ErrorCode.FAILED_PRECONDITION, "command " + id
                            + " changed state meanwhile");
                }
                link.send(command.deviceId(), new Messages.CommandCancel(id.toString()));
            }
        } finally {
            lock.unlock();
        }
        return existing(id);
    }

    // ---- southbound hooks ----

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
        deliverPendingAsync(device, true);
    }

    /**
     * Sends the device's queued commands in order, as long as fewer than the in-flight limit run;
     * with {@code resendUnacked}, SENT commands that were never acknowledged go out again first.
     */
    private void deliverPending(DeviceId device, boolean resendUnacked) {
        ReentrantLock lock = deliveryLock(device);
        lock.lock();
        try {
            backlogged.add(device.value());
            List<Command> active = store.active(device, activeReadLimit());
            int runningNow = (int) active.stream().filter(c -> CommandState.RUNNING.contains(c.state())).count();
            boolean more = active.size() >= activeReadLimit();
            for (Command command : active) {
                boolean resend = command.state() == CommandState.SENT;
                if (command.state() == CommandState.ACKED || (resend && !resendUnacked)) {
                    continue;
                }
                if (!resend && runningNow >= settings.maxInFlightPerDevice()) {
                    more = true;
                    break;
                }
                Instant now = clock.instant();
                if (command.deliveryDeadline().isBefore(now) && !resend) {
                    expire(command);
                    continue;
                }
                Command sent = command.sent(now.plus(command.timeout()),
                        command.isReboot() ? bootIds.apply(device).orElse("") : "", now);
                if (!store.markSent(command.id(), sent.runDeadline().orElseThrow(), sent.bootIdBefore(), now)) {
                    continue;
                }
                running.put(command.id().value(), sent);
                if (!resend) {
                    runningNow++;
                    recordTransition(command, CommandState.SENT, "system", "sent");
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
        } finally {
            lock.unlock();
        }
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
        running.remove(sent.id().value());
        store.transition(sent.id(), EnumSet.of(CommandState.SENT), CommandState.QUEUED, clock.instant(),
                Optional.empty(), 0, "");
    }

    private static Messages.Command wire(Command command) {
        return new Messages.Command(command.id().toString(), command.name(), command.params(),
                command.timeout().toMillis());
    }

    /** Enough rows to see every running command and the next deliverable ones. */
    private int activeReadLimit() {
        return 2 * settings.maxInFlightPerDevice() + 1;
    }

    private ReentrantLock deliveryLock(DeviceId device) {
        return deliveryLocks[Math.floorMod(Long.hashCode(device.value()), LOCK_STRIPES)];
    }

    /** The device accepted a command; false when it has no such running command. */
    public boolean acked(DeviceId device, String commandId) {
        Optional<Command> command = running(device, commandId);
        if (command.isEmpty()) {
            return false;
        }
        if (command.get().state() == CommandState.ACKED) {
            return true;
        }
        Instant now = clock.instant();
        // Not waited for: ACKED is an intermediate state. Written with the next group commit, or
        // folded into the result when that arrives in the same window; a crash may lose it (the
        // command is then still SENT and is resent on reconnect; architecture.md, Command delivery).
        writer.submit(new CommandStore.Transition(command.get().id(), EnumSet.of(CommandState.SENT),
                CommandState.ACKED, now, Optional.empty(), 0, ""));
        running.computeIfPresent(command.get().id().value(),
                (id, sent) -> sent.moved(CommandState.ACKED, now, Optional.empty(), 0, ""));
        recordTransition(command.get(), CommandState.ACKED, "device", "acknowledged");
        if (command.get().isReboot()) {
            rebooting.put(device.value(), RebootWait.ACKED);
            link.send(device, new Messages.RebootConfirm(commandId));
        }
        return true;
    }

    /**
     * Evidence of a finished reboot from a device that cannot report a boot id: the legacy v0
     * controller restarts its own process and logs in again. Its acknowledged reboots succeed with
     * {@code evidence} as their message. Does nothing (and reads nothing) unless this server knows
     * the device is rebooting.
     *
     * @return how many reboot commands succeeded
     */
    public int rebootObserved(DeviceId device, String evidence) {
        if (!rebooting.containsKey(device.value())) {
            return 0;
        }
        int done = 0;
        for (Command command : store.list(new CommandFilter(Optional.of(device), Optional.empty(),
                EnumSet.of(CommandState.ACKED)), PageRequest.first(PageRequest.MAX_SIZE)).items()) {
            if (command.isReboot() && finish(command, EnumSet.of(CommandState.ACKED), CommandState.SUCCEEDED,
                    Optional.of(JsonNodeFactory.instance.objectNode().put("evidence", evidence)), 0, evidence,
                    "device")) {
                done++;
            }
        }
        return done;
    }

    /**
     * Stores a device's result on a result worker, never on the caller's (connection's) thread, and
     * then calls {@code answer} with the outcome on that worker.
     *
     * @return false when the workers' queue is full: nothing was taken, the device should resend later
     */
    public boolean finishLater(DeviceId device, Messages.CommandResult result, Consumer<ResultOutcome> answer) {
        return resultLanes.submit(device.value(), () -> {
            resultsInFlight.acquireUninterruptibly();
            CompletableFuture<ResultOutcome> stored;
            try {
                stored = finishedAsync(device, result);
            } catch (RuntimeException e) {
                stored = CompletableFuture.failedFuture(e);
            }
            // Answered once the group commit holding the result is durable, on the writer's thread.
            stored.whenComplete((outcome, failure) -> {
                resultsInFlight.release();
                if (failure != null) {
                    LOG.log(System.Logger.Level.WARNING, "could not store the result of command {0} of device {1}: "
                            + "{2}", result.commandId(), device, String.valueOf(unwrap(failure).getMessage()));
                }
                answer.accept(failure == null ? outcome : ResultOutcome.FAILED);
            });
        });
    }

    /**
     * The device reports a result. A result sent again for a command that already finished with the
     * same result changes nothing and is a {@link ResultOutcome#DUPLICATE}.
     */
    ResultOutcome finished(DeviceId device, Messages.CommandResult result) {
        return joined(finishedAsync(device, result));
    }

    private CompletableFuture<ResultOutcome> finishedAsync(DeviceId device, Messages.CommandResult result) {
        Optional<Command> command = running(device, result.commandId());
        if (command.isEmpty()) {
            return CompletableFuture.completedFuture(alreadyFinishedWith(device, result) ? ResultOutcome.DUPLICATE
                    : ResultOutcome.UNKNOWN);
        }
        if (command.get().isReboot() && result.succeeded()) {
            // A reboot succeeds only on evidence: the device's next boot id.
            return CompletableFuture.completedFuture(ResultOutcome.STORED);
        }
        // error_message is for failures only: a success's message (a summary such as "uploaded 3 files")
        // is not stored; what a success has to say belongs in its result object.
        String errorMessage = result.succeeded() || result.message() == null ? "" : result.message();
        return finishAsync(command.get(), CommandState.RUNNING, result.succeeded() ? CommandState.SUCCEEDED
                : CommandState.FAILED, Optional.of(SameResult.payload(result)), result.code(),
                errorMessage, "device").thenCompose(applied -> applied
                ? CompletableFuture.completedFuture(ResultOutcome.STORED)
                // A timeout, a cancel or the same result on another connection won the race: a read,
                // so not on the writer's thread.
                : CompletableFuture.supplyAsync(() -> alreadyFinishedWith(device, result) ? ResultOutcome.DUPLICATE
                        : ResultOutcome.UNKNOWN, VIRTUAL));
    }

    private static <T> T joined(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private boolean alreadyFinishedWith(DeviceId device, Messages.CommandResult result) {
        Optional<Long> id = commandId(result.commandId());
        return id.flatMap(value -> store.find(new CommandId(value)))
                .filter(stored -> stored.deviceId().equals(device) && stored.state().isFinal())
                .map(stored -> SameResult.matches(stored, result))
                .orElse(false);
    }

    // ---- internals ----

    private record Validated(String name, ObjectNode params, Duration timeout, Instant deliveryDeadline,
                             Optional<String> key) {
    }

    private Validated validate(NewCommand request) {
        String name = Validation.required("name", request.name(), 64);
        if (!NAME.matcher(name).matches()) {
            throw RoostException.invalid("name", "must be 1-64 lower-case letters, digits or . _ - and start with a "
                    + "letter");
        }
        ObjectNode params = request.params() == null ? JsonNodeFactory.instance.objectNode() : request.params();
        if (Json.text(params).length() > MAX_PARAMS_CHARS) {
            throw RoostException.invalid("params", "must be at most " + MAX_PARAMS_CHARS + " characters of JSON");
        }
        Duration timeout = request.timeout().filter(t -> !t.isZero()).orElse(settings.defaultTimeout());
        if (timeout.isNegative() || timeout.compareTo(CommandSettings.MAX_TIMEOUT) > 0) {
            throw RoostException.invalid("timeout_ms", "must be 1.." + CommandSettings.MAX_TIMEOUT.toMillis());
        }
        Instant now = clock.instant();
        Instant deadline = request.deliveryDeadline().orElse(now.plus(settings.defaultDeliveryWindow()));
        if (!deadline.isAfter(now) || deadline.isAfter(now.plus(CommandSettings.MAX_DELIVERY_WINDOW))) {
            throw RoostException.invalid("delivery_deadline", "must be in the future and at most 30 days ahead");
        }
        Optional<String> key = request.idempotencyKey().map(k -> Validation.optional("idempotency_key", k, 128))
                .filter(k -> !k.isEmpty());
        return new Validated(name, params, timeout, deadline, key);
    }

    private Command sameOrConflict(Command existing, Validated request) {
        if (existing.name().equals(request.name()) && existing.params().equals(request.params())) {
            return existing;
        }
        throw new RoostException(ErrorCode.FAILED_PRECONDITION, "idempotency key '" + request.key().orElse("")
                + "' was used for command " + existing.id() + " with a different name or params");
    }

    private Command newCommand(DeviceId device, Validated valid, long groupCommandId) {
        Instant now = clock.instant();
        return new Command(new CommandId(ids.nextId()), device, valid.name(), valid.params(), CommandState.QUEUED,
                JsonNodeFactory.instance.objectNode(), 0, "", valid.key(), groupCommandId, now, now, valid.timeout(),
                valid.deliveryDeadline(), Optional.empty(), "");
    }

    private static void requireCommandable(Device device) {
        if (device.state() == DeviceState.DISABLED || device.state() == DeviceState.DECOMMISSIONED) {
            throw new RoostException(ErrorCode.FAILED_PRECONDITION, "device " + device.id() + " is "
                    + device.state() + " and takes no commands");
        }
    }

    private Optional<Command> running(DeviceId device, String commandId) {
        Optional<Long> id = commandId(commandId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Command live = running.get(id.get());
        Optional<Command> command = live != null ? Optional.of(live) : store.find(new CommandId(id.get()));
        return command.filter(c -> c.deviceId().equals(device) && CommandState.RUNNING.contains(c.state()));
    }

    private static Optional<Long> commandId(String wire) {
        try {
            return Optional.of(Long.parseLong(wire));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private boolean finish(Command command, Set<CommandState> from, CommandState to, Optional<JsonNode> result,
                           int code, String message, String actor) {
        return joined(finishAsync(command, from, to, result, code, message, actor));
    }

    /** A final state through the group commit; what follows a stored change runs once it is durable. */
    private CompletableFuture<Boolean> finishAsync(Command command, Set<CommandState> from, CommandState to,
                                                   Optional<JsonNode> result, int code, String message, String actor) {
        Instant now = clock.instant();
        // A device's failure text can be any length: cut it to its column before it is stored.
        String errorMessage = Text.bounded(message, Command.MAX_ERROR_MESSAGE);
        return writer.submit(new CommandStore.Transition(command.id(), from, to, now, result, code, errorMessage))
                .thenApply(applied -> {
                    if (applied) {
                        finished(command, to, now, result, code, errorMessage, actor);
                    }
                    return applied;
                });
    }

    private void finished(Command command, CommandState to, Instant now, Optional<JsonNode> result, int code,
                          String errorMessage, String actor) {
        running.remove(command.id().value());
        if (command.isReboot()) {
            rebooting.remove(command.deviceId().value());
        }
        recordTransition(command, to, actor, errorMessage);
        waiters.finished(command.moved(to, now, result, code, errorMessage));
        if (backlogged.contains(command.deviceId().value())) {
            deliverPendingAsync(command.deviceId(), false);
        }
    }

    private void expire(Command command) {
        finish(command, EnumSet.of(CommandState.QUEUED), CommandState.EXPIRED, Optional.empty(), 0,
                "not delivered before its delivery deadline", "system");
    }

    private void recordTransition(Command command, CommandState state, String actor, String reason) {
        // A command changes no device state: the event shows the state the device is in.
        DeviceState now = link.isOnline(command.deviceId()) ? DeviceState.ONLINE : DeviceState.OFFLINE;
        recorder.record(new DeviceEvent(ids.nextId(), command.deviceId(), clock.instant(), EventType.COMMAND, actor,
                now, now, reason, new CommandDetail(command.id().value(), command.name(), state.name(),
                command.groupCommandId())));
    }

    /** Delivery off the caller's thread; at most {@link #ASYNC_DELIVERIES} at once share the pool. */
    private void deliverPendingAsync(DeviceId device, boolean resendUnacked) {
        Thread.ofVirtual().start(() -> {
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

    private Command existing(CommandId id) {
        return store.find(id).orElseThrow(() -> RoostException.notFound("command", id));
    }

    /** Reboot evidence: a status with a new boot id after the device acknowledged a reboot. */
    private void onDeviceEvent(DeviceEvent event) {
        RebootWait wait = rebooting.get(event.deviceId().value());
        if (wait == null) {
            return;
        }
        if (event.type() == EventType.CONNECTED) {
            rebooting.replace(event.deviceId().value(), RebootWait.RECONNECTED);
        } else if (event.detail() instanceof StatusDetail status) {
            // The event's own boot id: the report may have reached another node of a cluster.
            Optional<String> bootId = Optional.of(status.bootId()).filter(id -> !id.isEmpty());
            Thread.ofVirtual().start(() -> checkReboot(event.deviceId(), wait == RebootWait.RECONNECTED,
                    bootId.isPresent() ? bootId : bootIds.apply(event.deviceId())));
        }
    }

    private void onRemoteEvent(DeviceEvent event) {
        if (event.detail() instanceof CommandDetail detail && detail.commandId() != 0
                && CommandState.valueOf(detail.state()).isFinal()) {
            finishedElsewhere(new CommandId(detail.commandId()));
        }
    }

    /**
     * A command finished on another node of the cluster: this node forgets its running copy and
     * wakes its callers waiting for it (only then is the command read).
     */
    private void finishedElsewhere(CommandId id) {
        running.remove(id.value());
        if (waiters.isWaiting(id)) {
            store.find(id).filter(command -> command.state().isFinal()).ifPresent(waiters::finished);
        }
    }

    private void checkReboot(DeviceId device, boolean reconnected, Optional<String> bootId) {
        for (Command command : store.list(new CommandFilter(Optional.of(device), Optional.empty(),
                EnumSet.of(CommandState.ACKED)), PageRequest.first(PageRequest.MAX_SIZE)).items()) {
            if (!command.isReboot() || bootId.isEmpty()) {
                continue;
            }
            if (!bootId.get().equals(command.bootIdBefore())) {
                finish(command, EnumSet.of(CommandState.ACKED), CommandState.SUCCEEDED,
                        Optional.of(JsonNodeFactory.instance.objectNode().put("boot_id", bootId.get())), 0,
                        "rebooted", "device");
            } else if (reconnected) {
                finish(command, EnumSet.of(CommandState.ACKED), CommandState.FAILED, Optional.empty(), 0,
                        "device reconnected without rebooting (same boot id)", "device");
            }
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "command sweep failed", e);
        }
    }

    /** Times out running commands past their deadline and expires undelivered ones. */
    void sweep() {
        Instant now = clock.instant();
        List<CompletableFuture<Boolean>> timeouts = new ArrayList<>();
        for (Command command : running.values()) {
            if (command.runDeadline().map(deadline -> deadline.isBefore(now)).orElse(false)) {
                // All of this round's timeouts share group commits instead of one commit each.
                timeouts.add(finishAsync(command, CommandState.RUNNING, CommandState.TIMED_OUT, Optional.empty(), 0,
                        "no result within " + command.timeout().toMillis() + " ms", "system")
                        .thenApply(applied -> {
                            if (!applied) {
                                running.remove(command.id().value(), command);
                            }
                            return applied;
                        }));
            }
        }
        for (CompletableFuture<Boolean> timeout : timeouts) {
            joined(timeout);
        }
        for (Command overdue : store.overdueQueued(now, 1000)) {
            expire(overdue);
        }
        if (++sweeps % QUEUED_CHECK_EVERY_SWEEPS == 0) {
            // A send whose immediate delivery failed (busy pool, link flapping) is not left to the
            // next reconnect: queued commands of online devices are picked up here.
            for (DeviceId device : store.devicesWithQueued(1000)) {
                if (link.isOnline(device)) {
                    deliverPendingAsync(device, false);
                }
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        resultLanes.close();
        writer.close();
    }

    /** Where a device with an acknowledged reboot is: acknowledged only, or reconnected since. */
    private enum RebootWait {
        ACKED,
        RECONNECTED
    }
}
