package dev.roost.server.group;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.common.Snowflake;
import dev.roost.server.common.Validation;
import dev.roost.server.device.DeviceStore;
import dev.roost.server.error.RoostException;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Use cases of device groups. Reads need viewer, writes operator. */
public final class GroupService {
    public static final int MAX_MEMBERS_PER_CALL = 1000;

    private final GroupStore groups;
    private final DeviceStore devices;
    private final Snowflake ids;
    private final Clock clock;

    public GroupService(GroupStore groups, DeviceStore devices, Snowflake ids, Clock clock) {
        this.groups = groups;
        this.devices = devices;
        this.ids = ids;
        this.clock = clock;
    }

    /** Outcome of a bulk membership change. */
    public record MembershipChange(long changed, long memberCount) {
    }

    public Group create(Caller caller, String name, String description) {
        caller.require(Role.OPERATOR);
        Instant now = clock.instant();
        Group group = new Group(new GroupId(ids.nextId()), validName(name),
                Validation.optional("description", description, 1024), 0, now, now);
        groups.insert(group);
        return group;
    }

    public Group get(Caller caller, GroupId id) {
        caller.require(Role.VIEWER);
        return existing(id);
    }

    public Group getByName(Caller caller, String name) {
        caller.require(Role.VIEWER);
        String valid = validName(name);
        return groups.findByName(valid).orElseThrow(() -> RoostException.notFound("group", "'" + valid + "'"));
    }

    public Page<Group> list(Caller caller, Optional<String> namePrefix, PageRequest page) {
        caller.require(Role.VIEWER);
        return groups.list(namePrefix.map(p -> Validation.optional("name_prefix", p, 128)).filter(p -> !p.isEmpty()),
                page);
    }

    public Group update(Caller caller, GroupId id, Optional<String> name, Optional<String> description) {
        caller.require(Role.OPERATOR);
        Optional<String> newName = name.map(GroupService::validName);
        Optional<String> newDescription = description.map(d -> Validation.optional("description", d, 1024));
        Group current = existing(id);
        if (!groups.update(id, newName.orElse(current.name()), newDescription.orElse(current.description()),
                clock.instant())) {
            throw RoostException.notFound("group", id);
        }
        return existing(id);
    }

    public void delete(Caller caller, GroupId id) {
        caller.require(Role.OPERATOR);
        if (!groups.delete(id)) {
            throw RoostException.notFound("group", id);
        }
    }

    /** Adds every listed device, or none when any id is unknown or decommissioned. */
    public MembershipChange addMembers(Caller caller, GroupId id, List<DeviceId> deviceIds) {
        caller.require(Role.OPERATOR);
        Set<DeviceId> wanted = validMembers(deviceIds);
        existing(id);
        Set<DeviceId> known = devices.existing(wanted);
        if (known.size() != wanted.size()) {
            String missing = wanted.stream().filter(d -> !known.contains(d)).map(DeviceId::toString).limit(20)
                    .collect(Collectors.joining(", "));
            throw RoostException.notFound("devices", "[" + missing + "]");
        }
        long added = groups.addMembers(id, wanted, clock.instant());
        return new MembershipChange(added, existing(id).memberCount());
    }

    public MembershipChange removeMembers(Caller caller, GroupId id, List<DeviceId> deviceIds) {
        caller.require(Role.OPERATOR);
        Set<DeviceId> unwanted = validMembers(deviceIds);
        existing(id);
        long removed = groups.removeMembers(id, unwanted);
        return new MembershipChange(removed, existing(id).memberCount());
    }

    public Page<DeviceId> members(Caller caller, GroupId id, PageRequest page) {
        caller.require(Role.VIEWER);
        existing(id);
        return groups.members(id, page);
    }

    public List<Group> groupsOf(Caller caller, DeviceId device) {
        caller.require(Role.VIEWER);
        if (devices.find(device).isEmpty()) {
            throw RoostException.notFound("device", device);
        }
        return groups.groupsOf(device);
    }

    public boolean isMember(Caller caller, GroupId id, DeviceId device) {
        caller.require(Role.VIEWER);
        existing(id);
        return groups.isMember(id, device);
    }

    private Group existing(GroupId id) {
        return groups.find(id).orElseThrow(() -> RoostException.notFound("group", id));
    }

    private static String validName(String name) {
        return Validation.required("name", name, 128);
    }

    private static Set<DeviceId> validMembers(List<DeviceId> deviceIds) {
        if (deviceIds == null || deviceIds.isEmpty()) {
            throw RoostException.invalid("device_ids", "must list at least one device");
        }
        if (deviceIds.size() > MAX_MEMBERS_PER_CALL) {
            throw RoostException.invalid("device_ids", "at most " + MAX_MEMBERS_PER_CALL + " per call, was "
                    + deviceIds.size());
        }
        return new LinkedHashSet<>(deviceIds);
    }
}
