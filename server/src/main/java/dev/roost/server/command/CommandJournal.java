package dev.roost.server.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.Json;
import dev.roost.server.common.Snowflake;
import dev.roost.server.device.DeviceEvent;
import dev.roost.server.device.DeviceState;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Command transitions in the device log, and back: every state a command enters becomes a
 * "command" event of its device (which the cluster forwards to the other nodes), and such an event
 * of another node says which command finished there.
 */
final class CommandJournal {
    private final Consumer<DeviceEvent> recorder;
    private final Snowflake ids;
    private final Clock clock;

    CommandJournal(Consumer<DeviceEvent> recorder, Snowflake ids, Clock clock) {
        this.recorder = recorder;
        this.ids = ids;
        this.clock = clock;
    }

    void record(Command command, CommandState state, String actor, String reason) {
        ObjectNode detail = JsonNodeFactory.instance.objectNode()
                .put("command_id", command.id().toString())
                .put("name", command.name())
                .put("state", state.name());
        if (command.groupCommandId() != 0) {
            detail.put("group_command_id", Long.toString(command.groupCommandId()));
        }
        recorder.accept(new DeviceEvent(ids.nextId(), command.deviceId(), clock.instant(), DeviceEvent.COMMAND, actor,
                DeviceState.ONLINE, DeviceState.ONLINE, reason, Json.text(detail)));
    }

    /** The command a "command" event says reached a final state; empty for any other event. */
    static Optional<CommandId> finishedIn(DeviceEvent event) {
        if (!DeviceEvent.COMMAND.equals(event.type())) {
            return Optional.empty();
        }
        Optional<CommandState> state = Json.field(event.detailJson(), "state").map(CommandState::valueOf);
        Optional<String> id = Json.field(event.detailJson(), "command_id");
        if (state.isPresent() && state.get().isFinal() && id.isPresent()) {
            return Optional.of(new CommandId(Long.parseLong(id.get())));
        }
        return Optional.empty();
    }
}
