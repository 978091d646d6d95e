package dev.roost.server.device;

import dev.roost.protocol.Body;
import dev.roost.server.common.DeviceId;

/**
 * The downlink to devices with a live session, as the southbound channel provides it (and, in a
 * cluster, routes to the node that holds the session).
 */
public interface DeviceLink {
    boolean isOnline(DeviceId device);

    /**
     * Sends one downlink message to the device's live session.
     *
     * @return false when the device has no live session (nothing was sent)
     */
    boolean send(DeviceId device, Body body);

    /**
     * Throws UNAVAILABLE, naming the cause, when a message for the device could not reach it now
     * although it may be online (a cluster that lost its messaging); a single node never throws.
     * Callers check it before they store something they then would have to deliver.
     */
    default void checkReachable(DeviceId device) {
    }
}
