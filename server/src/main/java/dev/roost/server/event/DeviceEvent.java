package dev.roost.server.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Text;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a device's log.
 *
 * @param type   what happened; its wire name ("lifecycle", "connected", ...) is what the APIs,
 *               the database and the cluster carry
 * @param actor  who caused it ("user:alice", "token:42", "device", "system")
 * @param detail the type's detail; it becomes the JSON object {@code detail_json} only at the
 *               edges (the database, the APIs, the cluster), through {@link EventDetailJson}
 *
 * <p>{@code actor} and {@code reason} can carry text a device chose (a close reason, a command's
 * failure message): they are cut to their columns' lengths here, so no event can be refused by
 * the database for its length.
 */
public record DeviceEvent(@JsonSerialize(using = ToStringSerializer.class) long id,
                          DeviceId deviceId,
                          Instant at,
                          EventType type,
                          String actor,
                          DeviceState from,
                          DeviceState to,
                          String reason,
                          @JsonProperty("detail_json") @JsonSerialize(using = EventDetailJson.AsText.class)
                          EventDetail detail) {
    /** Column lengths of {@code device_events} (sql/V1__registry.sql). */
    public static final int MAX_ACTOR = 160;
    public static final int MAX_REASON = 512;

    public DeviceEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
        if (!detail.fits(type)) {
            throw new IllegalArgumentException("a " + detail.getClass().getSimpleName() + " is no detail of a "
                    + type.wireName() + " event");
        }
        actor = Text.bounded(actor, MAX_ACTOR);
        reason = Text.bounded(reason, MAX_REASON);
    }
}
