package dev.roost.server.southbound;

import dev.roost.server.common.Snowflake;
import dev.roost.server.device.DevicePresence;
import dev.roost.server.event.EventRecorder;

import java.time.Clock;

/**
 * A {@link FirstFrameDialect} and what its connections share with protocol v1: the session
 * registry (presence, {@code DeviceLink}), the event log and the cluster-wide presence.
 */
public record FirstFrameRoute(FirstFrameDialect dialect, DeviceChannel channel, SessionRegistry registry,
                              EventRecorder recorder, DevicePresence presence, Snowflake ids, Clock clock,
                              SouthboundSettings settings) {
}
