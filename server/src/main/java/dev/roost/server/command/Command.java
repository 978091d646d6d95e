package dev.roost.server.command;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Text;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One command to one device, as stored.
 *
 * @param result           the device's result object; an empty object until it finishes
 * @param deviceStatusCode the device's own status code (0 = success)
 * @param groupCommandId   the group command it belongs to; empty for a command sent to one device
 * @param runDeadline      when the running attempt times out; absent while queued
 * @param bootIdBefore     for reboot: the boot id before the reboot
 *
 * <p>{@code errorMessage} can be a device's own failure text: it is cut to its column's length
 * here, so that a long message can never make the command's update fail.
 */
public record Command(CommandId id,
                      DeviceId deviceId,
                      String name,
                      ObjectNode params,
                      CommandState state,
                      JsonNode result,
                      int deviceStatusCode,
                      String errorMessage,
                      Optional<String> idempotencyKey,
                      @JsonIgnore Optional<GroupCommandId> groupCommandId,
                      Instant createdAt,
                      Instant updatedAt,
                      @JsonIgnore Duration timeout,
                      Instant deliveryDeadline,
                      Optional<Instant> runDeadline,
                      String bootIdBefore) {

    public static final String REBOOT = "reboot";
    /** Length of {@code commands.error_message} (sql/V2__southbound.sql). */
    public static final int MAX_ERROR_MESSAGE = 1024;

    public Command {
        errorMessage = Text.bounded(errorMessage, MAX_ERROR_MESSAGE);
    }

    /** The timeout as the APIs take it, in milliseconds. */
    @JsonProperty("timeout_ms")
    public long timeoutMs() {
        return timeout.toMillis();
    }

    /** The group command id as the REST API writes it: {@code "0"} when none (api.md, Commands). */
    @JsonProperty("group_command_id")
    public String groupCommandIdText() {
        return groupCommandId.map(GroupCommandId::toString).orElse("0");
    }

    @JsonIgnore
    public boolean isReboot() {
        return REBOOT.equals(name);
    }

    /** This command delivered at {@code at}, running until {@code deadline}. */
    Command sent(Instant deadline, String bootId, Instant at) {
        return new Command(id, deviceId, name, params, CommandState.SENT, result, deviceStatusCode, errorMessage,
                idempotencyKey, groupCommandId, createdAt, at, timeout, deliveryDeadline, Optional.of(deadline), bootId);
    }

    /** This command running until {@code deadline} instead. */
    Command withRunDeadline(Instant deadline) {
        return new Command(id, deviceId, name, params, state, result, deviceStatusCode, errorMessage, idempotencyKey,
                groupCommandId, createdAt, updatedAt, timeout, deliveryDeadline, Optional.of(deadline), bootIdBefore);
    }

    /** This command in {@code to}, as {@link CommandStore#transition} stores it. */
    Command moved(CommandState to, Instant at, Optional<JsonNode> outcome, int code, String message) {
        return new Command(id, deviceId, name, params, to, outcome.orElse(result),
                outcome.isPresent() ? code : deviceStatusCode,
                outcome.isPresent() || !message.isEmpty() ? message : errorMessage, idempotencyKey, groupCommandId,
                createdAt, at, timeout, deliveryDeadline, to == CommandState.QUEUED ? Optional.empty() : runDeadline,
                bootIdBefore);
    }
}
