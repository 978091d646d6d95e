package dev.roost.server.event;

import dev.roost.server.common.DeviceId;

import java.util.Objects;

/**
 * What a node can tell of another node's event before decoding it (the cluster carries these
 * fields beside the encoded event), so that it decodes only the events some listener or watch
 * stream needs.
 *
 * @param finalCommand for a {@link EventType#COMMAND} event, whether the command entered a final
 *                     state; false for every other type. The publishing side decides it: the event
 *                     package knows nothing of command states.
 */
public record EventHeader(EventType type, DeviceId deviceId, boolean finalCommand) {
    public EventHeader {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(deviceId, "deviceId");
    }
}
