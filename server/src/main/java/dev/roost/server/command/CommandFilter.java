package dev.roost.server.command;

import dev.roost.server.common.DeviceId;

import java.util.Optional;
import java.util.Set;

/** Which commands a listing returns. */
public record CommandFilter(Optional<DeviceId> device, Optional<GroupCommandId> groupCommandId, Set<CommandState> states) {
}
