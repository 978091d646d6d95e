package dev.roost.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.proto.v1.Command;
import dev.roost.proto.v1.GroupCommand;

import java.util.Map;
import java.util.TreeMap;

/** Views of commands sent to devices and to groups. */
public final class CommandViews {
    private CommandViews() {
    }

    public record CommandView(String id, String deviceId, String name, String state, JsonNode params,
                              JsonNode result, int deviceStatusCode, String errorMessage, String idempotencyKey,
                              String groupCommandId, String createdAt, String updatedAt, long timeoutMs,
                              String deliveryDeadline) {
    }

    public record GroupCommandView(String id, String groupId, String name, long total,
                                   Map<String, Long> countsByState, String createdAt) {
    }

    public static CommandView command(Command command) {
        return new CommandView(command.getId(), command.getDeviceId(), command.getName(),
                Values.name(command.getState()), Values.json(command.getParamsJson()),
                Values.json(command.getResultJson()), command.getDeviceStatusCode(),
                Values.text(command.getErrorMessage()), Values.text(command.getIdempotencyKey()),
                Values.text(command.getGroupCommandId()), Values.time(command.getCreatedAtMs()),
                Values.time(command.getUpdatedAtMs()), command.getTimeoutMs(),
                Values.time(command.getDeliveryDeadlineMs()));
    }

    public static GroupCommandView groupCommand(GroupCommand command) {
        return new GroupCommandView(command.getId(), command.getGroupId(), command.getName(), command.getTotal(),
                new TreeMap<>(command.getCountsByStateMap()), Values.time(command.getCreatedAtMs()));
    }
}
