package dev.roost.server.device;

import dev.roost.protocol.Body;
import dev.roost.server.common.DeviceId;

/** The downlink to devices with a live session, as the southbound channel provides it. */
public interface DeviceLink {
    boolean isOnline(DeviceId device);

    /**
     * Sends one downlink message to the device's live session.
     *
     * @return false when the device has no live session (nothing was sent)
     */
    boolean send(DeviceId device, Body body);
}
