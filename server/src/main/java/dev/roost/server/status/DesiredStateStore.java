package dev.roost.server.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.DeviceId;

import java.time.Instant;
import java.util.Optional;

/** Persistence of desired state. */
public interface DesiredStateStore {
    Optional<DesiredState> find(DeviceId device);

    /**
     * Stores {@code desired} as version {@code expectedVersion + 1}.
     *
     * @return false when the stored version is no longer {@code expectedVersion}
     */
    boolean replace(DeviceId device, long expectedVersion, ObjectNode desired, Instant at);

    /**
     * Records what the device applied of {@code version} and what it could not ({@code errors},
     * replacing those of its previous report), unless it already reported a newer version.
     */
    void applied(DeviceId device, long version, ObjectNode applied, ObjectNode errors);
}
