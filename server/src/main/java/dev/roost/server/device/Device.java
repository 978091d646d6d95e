package dev.roost.server.device;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A registered device as the registry knows it. The secret is never part of it. */
public record Device(DeviceId id,
                     String name,
                     String type,
                     Hardware hardware,
                     String softwareVersion,
                     Optional<Instant> softwareUpdatedAt,
                     List<NetworkInterface> networkInterfaces,
                     String description,
                     Map<String, String> labels,
                     DeviceState state,
                     Instant createdAt,
                     Instant updatedAt,
                     Optional<Instant> lastSeenAt) {
}
