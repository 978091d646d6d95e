package dev.roost.server.common;

/** Where a device is in its lifecycle. */
public enum DeviceState {
    /** Registered, never connected. */
    REGISTERED,
    ONLINE,
    OFFLINE,
    /** Refused connections until enabled again. */
    DISABLED,
    /** Terminal: refused connections, no group memberships. */
    DECOMMISSIONED;

    public boolean acceptsChanges() {
        return this != DECOMMISSIONED;
    }
}
