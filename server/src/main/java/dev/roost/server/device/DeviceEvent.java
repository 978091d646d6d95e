package dev.roost.server.device;

import dev.roost.server.common.DeviceId;

import java.time.Instant;

/**
 * One entry of a device's log.
 *
 * @param type       "lifecycle", "connected", "disconnected", "status" or "command"
 * @param actor      who caused it ("user:alice", "token:42", "device", "system")
 * @param detailJson a JSON object with type-specific detail, "{}" when none
 */
public record DeviceEvent(long id,
                          DeviceId deviceId,
                          Instant at,
                          String type,
                          String actor,
                          DeviceState from,
                          DeviceState to,
                          String reason,
                          String detailJson) {
    public static final String LIFECYCLE = "lifecycle";
}
