package dev.roost.server.command;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.DeviceState;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Devices and groups as plain maps. */
final class MapTargets implements CommandTargets {
    private final Map<DeviceId, DeviceState> devices = new ConcurrentHashMap<>();
    private final Map<GroupId, List<DeviceId>> groups = new ConcurrentHashMap<>();

    void device(DeviceId device, DeviceState state) {
        devices.put(device, state);
    }

    void group(GroupId group, List<DeviceId> members) {
        groups.put(group, List.copyOf(members));
    }

    @Override
    public Optional<DeviceState> deviceState(DeviceId device) {
        return Optional.ofNullable(devices.get(device));
    }

    @Override
    public boolean groupExists(GroupId group) {
        return groups.containsKey(group);
    }

    @Override
    public List<DeviceId> members(GroupId group) {
        return groups.getOrDefault(group, List.of());
    }
}
