package dev.roost.server.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Snowflake;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.common.DeviceState;
import dev.roost.server.event.EventBus;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;
import dev.roost.server.support.Await;
import dev.roost.server.support.ManualClock;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link CommandService} on in-memory collaborators: the command store, a recording device link,
 * a clock that moves only when told, and background work (deliveries, reboot checks) that runs
 * only when {@link #runBackground()} is called. The group commit is the real one, with no window.
 */
final class CommandRig implements AutoCloseable {
    static final Caller OPERATOR = new Caller("user:op", Role.OPERATOR, 1, 1);
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final ManualClock clock;
    final InMemoryCommandStore store;
    /** The store as the service uses it. */
    final ObservedStore observed;
    final MapTargets targets = new MapTargets();
    final RecordingLink link = new RecordingLink();
    final ManualExecutor background = new ManualExecutor();
    final EventBus bus = new EventBus();
    final List<DeviceEvent> events = new CopyOnWriteArrayList<>();
    final Map<DeviceId, String> bootIds = new ConcurrentHashMap<>();
    final CommandService service;
    private long nextDevice = 1;

    CommandRig(CommandSettings settings) {
        this(settings, new InMemoryCommandStore(), new ManualClock());
    }

    /** A service started on what an earlier one left behind (a restart of the process). */
    CommandRig(CommandSettings settings, InMemoryCommandStore store, ManualClock clock) {
        this(settings, store, clock, new EmptyQueues(1000));
    }

    /** A single node's service with its knowledge of empty queues given (or {@link EmptyQueues#none()}). */
    CommandRig(CommandSettings settings, InMemoryCommandStore store, ManualClock clock, EmptyQueues emptyQueues) {
        this.store = store;
        this.observed = new ObservedStore(store);
        this.clock = clock;
        this.service = new CommandService(observed, targets, link, events::add, bus, new Snowflake(1, clock), clock,
                settings, device -> Optional.ofNullable(bootIds.get(device)), emptyQueues, background);
    }

    static CommandSettings settings(int maxInFlight, int maxConcurrentSends) {
        return settings(maxInFlight, maxConcurrentSends, Duration.ZERO);
    }

    /** With acks held back for {@code ackWriteDelay} before they are written. */
    static CommandSettings settings(int maxInFlight, int maxConcurrentSends, Duration ackWriteDelay) {
        // Sweeps run only when a test calls sweep(): the scheduled one would come after an hour.
        return new CommandSettings(Duration.ofSeconds(30), Duration.ofHours(1), maxInFlight, Duration.ofHours(1),
                maxConcurrentSends, Duration.ofMinutes(2), 1, 100, Duration.ZERO, ackWriteDelay);
    }

    DeviceId device(boolean online) {
        DeviceId device = new DeviceId(nextDevice++);
        targets.device(device, DeviceState.ONLINE);
        if (online) {
            link.online(device);
        }
        return device;
    }

    Command send(DeviceId device, String name) {
        return send(device, name, JsonNodeFactory.instance.objectNode(), Optional.empty());
    }

    Command send(DeviceId device, String name, ObjectNode params, Optional<String> key) {
        return service.send(OPERATOR, device, new NewCommand(name, params, Optional.of(TIMEOUT), Optional.empty(),
                key));
    }

    CommandState state(Command command) {
        return store.find(command.id()).orElseThrow().state();
    }

    /** The command ids sent to the device so far, in order (resends included). */
    List<String> delivered(DeviceId device) {
        return link.sent().stream().filter(sent -> sent.device().equals(device))
                .map(RecordingLink.Sent::body).filter(Messages.Command.class::isInstance)
                .map(body -> ((Messages.Command) body).commandId()).toList();
    }

    void ack(Command command) {
        if (!service.acked(command.deviceId(), command.id().toString())) {
            throw new AssertionError("command " + command.id() + " was not running");
        }
    }

    /** The ACKED change is not waited for by the device's ack: this waits until it is committed. */
    void awaitStored(Command command, CommandState state) {
        Await.until("command " + command.id() + " stored " + state, () -> state(command) == state);
    }

    ResultOutcome answer(Command command, boolean succeeded) {
        return service.finished(command.deviceId(), new Messages.CommandResult(command.id().toString(),
                succeeded ? Messages.CommandResult.SUCCEEDED : Messages.CommandResult.FAILED, succeeded ? 0 : 7,
                JsonNodeFactory.instance.objectNode().put("ok", succeeded), succeeded ? "" : "it broke"));
    }

    int runBackground() {
        return background.runAll();
    }

    /** The states the device log recorded for the command, in order. */
    List<String> journal(Command command) {
        return events.stream()
                .map(DeviceEvent::detail)
                .filter(detail -> detail instanceof dev.roost.server.event.EventDetail.CommandDetail c
                        && c.commandId() == command.id().value())
                .map(detail -> ((dev.roost.server.event.EventDetail.CommandDetail) detail).state())
                .toList();
    }

    @Override
    public void close() {
        service.close();
    }
}
