package dev.roost.server.command;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Snowflake;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetail.CommandDetail;
import dev.roost.server.event.EventType;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Command transitions in the device log, and back: every state a command enters becomes a
 * "command" event of its device (which the cluster forwards to the other nodes), and such an event
 * of another node says which command finished there.
 */
final class CommandJournal {
    private final Consumer<DeviceEvent> recorder;
    private final Snowflake ids;
    private final Clock clock;
    private final Predicate<DeviceId> online;

    /** @param online whether the device has a live session (a command event shows the device's state) */
    CommandJournal(Consumer<DeviceEvent> recorder, Snowflake ids, Clock clock, Predicate<DeviceId> online) {
        this.recorder = recorder;
        this.ids = ids;
        this.clock = clock;
        this.online = online;
    }

    void record(Command command, CommandState state, String actor, String reason) {
        // A command changes no device state: the event shows the state the device is in.
        DeviceState now = online.test(command.deviceId()) ? DeviceState.ONLINE : DeviceState.OFFLINE;
        recorder.accept(new DeviceEvent(ids.nextId(), command.deviceId(), clock.instant(), EventType.COMMAND, actor,
                now, now, reason, new CommandDetail(command.id().value(), command.name(), state.name(),
                command.groupCommandId().map(GroupCommandId::value).orElse(0L))));
    }

    /** The command a "command" event says reached a final state; empty for any other event. */
    static Optional<CommandId> finishedIn(DeviceEvent event) {
        if (event.detail() instanceof CommandDetail detail && detail.commandId() != 0
                && CommandState.valueOf(detail.state()).isFinal()) {
            return Optional.of(new CommandId(detail.commandId()));
        }
        return Optional.empty();
    }
}
