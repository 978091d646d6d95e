package dev.roost.server.event;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** Which events a history query returns; every present criterion must hold. */
public record EventQuery(Set<DeviceId> devices,
                         Optional<GroupId> group,
                         Set<String> types,
                         Optional<Instant> since,
                         Optional<Instant> until) {

    public static EventQuery ofDevice(DeviceId device) {
        return new EventQuery(Set.of(device), Optional.empty(), Set.of(), Optional.empty(), Optional.empty());
    }
}
