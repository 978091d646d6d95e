package dev.roost.server.device;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Text;

import java.time.Instant;

/**
 * One entry of a device's log.
 *
 * @param type       "lifecycle", "connected", "disconnected", "status" or "command"
 * @param actor      who caused it ("user:alice", "token:42", "device", "system")
 * @param detailJson a JSON object with type-specific detail, "{}" when none
 *
 * <p>{@code actor} and {@code reason} can carry text a device chose (a close reason, a command's
 * failure message): they are cut to their columns' lengths here, so no event can be refused by
 * the database for its length.
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
    /** Column lengths of {@code device_events} (sql/V1__registry.sql). */
    public static final int MAX_ACTOR = 160;
    public static final int MAX_REASON = 512;

    public DeviceEvent {
        actor = Text.bounded(actor, MAX_ACTOR);
        reason = Text.bounded(reason, MAX_REASON);
    }
}
