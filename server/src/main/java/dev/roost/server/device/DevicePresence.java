package dev.roost.server.device;

import dev.roost.server.common.DeviceId;

/**
 * Where devices hold their live session, beyond this server process: a cluster keeps it
 * cluster-wide (the cluster package), a single node needs nothing ({@link #SINGLE_NODE}).
 * The southbound channel reports each session it binds and ends.
 */
public interface DevicePresence {
    /** A single server: its own session registry is the whole truth. */
    DevicePresence SINGLE_NODE = new DevicePresence() {
        @Override
        public void claimed(DeviceId device, long epoch) {
        }

        @Override
        public boolean released(DeviceId device, long epoch) {
            return true;
        }
    };

    /**
     * Session {@code epoch} of the device is now its live session, here. A session of the device
     * that lingers on another node is told to close.
     */
    void claimed(DeviceId device, long epoch);

    /**
     * Session {@code epoch} of the device ended here.
     *
     * @return true when the device is now offline everywhere; false when a newer session of it
     *         lives on (on another node), so its end must not mark the device offline
     */
    boolean released(DeviceId device, long epoch);
}
