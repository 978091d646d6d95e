package dev.roost.server.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.DeviceId;

import java.time.Instant;
import java.util.Optional;

/**
 * What the northbound side wants a device to be, and what the device last applied.
 *
 * @param version        0 when never set
 * @param appliedVersion the version the device last reported as applied
 * @param applied        what the device reported as applied with that version
 * @param errors         what it could not apply of that version, key to reason (empty when none)
 */
public record DesiredState(DeviceId deviceId, long version, ObjectNode desired, long appliedVersion,
                           ObjectNode applied, ObjectNode errors, Optional<Instant> updatedAt) {
}
