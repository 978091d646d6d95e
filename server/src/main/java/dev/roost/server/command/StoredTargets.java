package dev.roost.server.command;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.device.Device;
import dev.roost.server.common.DeviceState;
import dev.roost.server.device.DeviceStore;
import dev.roost.server.group.GroupStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link CommandTargets} read from the device and group stores (the device store answers from its cache). */
public record StoredTargets(DeviceStore devices, GroupStore groups) implements CommandTargets {

    @Override
    public Optional<DeviceState> deviceState(DeviceId device) {
        return devices.find(device).map(Device::state);
    }

    @Override
    public boolean groupExists(GroupId group) {
        return groups.find(group).isPresent();
    }

    @Override
    public List<DeviceId> members(GroupId group) {
        List<DeviceId> members = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_SIZE);
        while (true) {
            Page<DeviceId> chunk = groups.members(group, page);
            members.addAll(chunk.items());
            if (chunk.nextCursor().isEmpty()) {
                return members;
            }
            page = PageRequest.of(PageRequest.MAX_SIZE, chunk.nextCursor().get());
        }
    }
}
