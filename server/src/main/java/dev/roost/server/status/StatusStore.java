package dev.roost.server.status;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** Persistence of reported status and its history. */
public interface StatusStore {
    /** One history sample to store. */
    record Sample(long id, DeviceId device, Reported reported) {
    }

    Optional<Reported> latest(DeviceId device);

    /**
     * Upserts the latest state of many devices (a stored row is replaced only by a higher version)
     * and appends history samples, in batches.
     */
    void write(Collection<Map.Entry<DeviceId, Reported>> latest, Collection<Sample> history);

    Page<Sample> history(DeviceId device, Optional<Instant> since, Optional<Instant> until, PageRequest page);

    /** Deletes history older than {@code before}; returns how many rows went. */
    long pruneHistory(Instant before);
}
