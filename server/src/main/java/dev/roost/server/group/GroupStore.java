package dev.roost.server.group;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Persistence of groups and memberships. */
public interface GroupStore {
    /** @throws dev.roost.server.error.RoostException ALREADY_EXISTS when the name is taken */
    void insert(Group group);

    Optional<Group> find(GroupId id);

    Optional<Group> findByName(String name);

    Page<Group> list(Optional<String> namePrefix, PageRequest page);

    /** @throws dev.roost.server.error.RoostException ALREADY_EXISTS when the new name is taken */
    boolean update(GroupId id, String name, String description, Instant at);

    boolean delete(GroupId id);

    /** Adds the devices not yet members; returns how many were added. */
    long addMembers(GroupId id, Collection<DeviceId> devices, Instant at);

    /** Removes the devices that are members; returns how many were removed. */
    long removeMembers(GroupId id, Collection<DeviceId> devices);

    Page<DeviceId> members(GroupId id, PageRequest page);

    List<Group> groupsOf(DeviceId device);

    boolean isMember(GroupId id, DeviceId device);
}
