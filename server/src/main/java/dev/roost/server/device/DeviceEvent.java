package dev.roost.server.device;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.roost.server.common.DeviceId;

import java.time.Instant;

/**
 * One entry of a device's log.
 *
 * @param type       "lifecycle", "connected", "disconnected", "status" or "command"
 * @param actor      who caused it ("user:alice", "token:42", "device", "system")
 * @param detailJson a JSON object with type-specific detail, "{}" when none
 */
public record DeviceEvent(@JsonSerialize(using = ToStringSerializer.class) long id,
                          DeviceId deviceId,
                          Instant at,
                          String type,
                          String actor,
                          DeviceState from,
                          DeviceState to,
                          String reason,
                          String detailJson) {
    public static final String LIFECYCLE = "lifecycle";
    public static final String CONNECTED = "connected";
    public static final String DISCONNECTED = "disconnected";
    /** Published for live watchers only; the status history keeps reports. */
    public static final String STATUS = "status";
    public static final String COMMAND = "command";
}
