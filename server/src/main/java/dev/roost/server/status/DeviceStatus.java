package dev.roost.server.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.common.DeviceId;

import java.time.Instant;
import java.util.Optional;

/**
 * What the northbound API shows of a device's status.
 *
 * @param reportedVersion 0 when the device never reported
 * @param reported        the full reported state, an empty object when none
 * @param lastSeenAt      the device's last connect or disconnect as stored (the device's
 *                        {@code last_seen_at}); empty when never seen, and in history entries
 */
public record DeviceStatus(DeviceId deviceId, boolean online, long reportedVersion, JsonNode reported,
                           Optional<Instant> reportedAt, Optional<Instant> lastSeenAt) {
}
