package dev.roost.server.device;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventStore;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Persistence of devices and their event log: a registry change and its lifecycle event are written
 * in one transaction, so the device log is this store's too.
 */
public interface DeviceStore extends EventStore {

    /**
     * Stores a new device with its secret hash and its first event, atomically.
     *
     * @throws dev.roost.server.error.RoostException ALREADY_EXISTS when the hardware pair is taken
     */
    void insert(Device device, String secretHash, DeviceEvent registered);

    /** The device; may come from memory, which every write through this store keeps current. */
    Optional<Device> find(DeviceId id);

    /**
     * Another process changed the device (a cluster node's event said so): what this store holds
     * of it in memory is dropped, and reads of it go to the database until that write has settled.
     */
    void forget(DeviceId id);

    Optional<Device> findByHardware(Hardware hardware);

    /** The stored bcrypt hash of the device's secret. */
    Optional<String> secretHash(DeviceId id);

    Page<Device> list(DeviceFilter filter, PageRequest page);

    /** The subset of {@code ids} that exist and are not decommissioned. */
    Set<DeviceId> existing(Collection<DeviceId> ids);

    /** Replaces the mutable fields of {@code device} (matched by id). False when it no longer exists. */
    boolean update(Device device);

    /**
     * Moves a device from {@code expected} to {@code event.to()} and records the event, atomically.
     * Leaving a state for DECOMMISSIONED also drops every group membership.
     *
     * @return false when the device was no longer in {@code expected} (a concurrent change won)
     */
    boolean transition(DeviceId id, DeviceState expected, DeviceEvent event);

    /** Replaces the secret hash and bumps the credential version, invalidating session tokens. */
    void updateSecretHash(DeviceId id, String secretHash, Instant at);

    Optional<DeviceCredentials> credentials(DeviceId id);

    /**
     * Marks every ONLINE device OFFLINE: at start, no session exists yet, whatever a crash left
     * behind. Returns how many devices changed.
     */
    long resetPresence(Instant at);

    /** Up to {@code limit} devices stored as ONLINE with an id above {@code afterId}, in id order. */
    List<DeviceId> onlineDevices(long afterId, int limit);

    Optional<DeviceCredentials> credentials(Hardware hardware);
}
