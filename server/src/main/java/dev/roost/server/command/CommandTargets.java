package dev.roost.server.command;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.DeviceState;

import java.util.List;
import java.util.Optional;

/**
 * What commands need to know of the devices and groups they are sent to; the registry answers.
 * Reads only: commands never change a device or a group.
 */
public interface CommandTargets {
    /** The device's lifecycle state; empty when no such device exists. */
    Optional<DeviceState> deviceState(DeviceId device);

    boolean groupExists(GroupId group);

    /** Every member of the group, in the group's member order; empty when it has none or does not exist. */
    List<DeviceId> members(GroupId group);
}
