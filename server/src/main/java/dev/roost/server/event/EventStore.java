package dev.roost.server.event;

import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;

import java.util.List;

/** The device log: where device events are kept. */
public interface EventStore {
    /**
     * Appends events to the device log in one transaction, in order. Presence events
     * ("connected", "disconnected") also set the device's state, but only while it is REGISTERED,
     * ONLINE or OFFLINE, so that presence never overrides DISABLED or DECOMMISSIONED.
     */
    void recordEvents(List<DeviceEvent> events);

    /** Events matching {@code query}, newest first. */
    Page<DeviceEvent> events(EventQuery query, PageRequest page);
}
