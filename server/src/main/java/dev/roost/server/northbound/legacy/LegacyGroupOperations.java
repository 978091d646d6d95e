package dev.roost.server.northbound.legacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.device.Device;
import dev.roost.server.device.DeviceService;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.group.Group;
import dev.roost.server.group.GroupService;
import dev.roost.server.security.Caller;
import io.helidon.webserver.http.ServerRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The legacy group, relation and group/relation compound paths (§3.7-3.22). A legacy group is a
 * Roost group, a legacy relation a group membership. Just over 300 lines because it holds one
 * short method per legacy path of that chapter, so the spec and the code can be read side by side.
 */
final class LegacyGroupOperations {
    private final GroupService groups;
    private final DeviceService devices;
    private final ObjectMapper json;
    private final int maxBodyBytes;

    LegacyGroupOperations(GroupService groups, DeviceService devices, ObjectMapper json, int maxBodyBytes) {
        this.groups = groups;
        this.devices = devices;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    // ---- groups ----

    JsonNode add(ServerRequest request, Caller caller) {
        LegacyBody body = body(request).require("group_name");
        Group group;
        try {
            group = groups.create(caller, body.requiredText("group_name"), body.text("group_description").orElse(""));
        } catch (RoostException e) {
            if (e.code() == ErrorCode.ALREADY_EXISTS) {
                throw LegacyFailure.of(409, LegacyFailure.GROUPOP_ERROR, "Group already exists.");
            }
            throw e;
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("group_id", group.id().value());
        return data;
    }

    JsonNode modify(ServerRequest request, Caller caller) {
        LegacyBody body = body(request).require("group_id");
        if (!body.given("group_description")) {
            throw LegacyFailure.missingParameters();
        }
        Group group = group(caller, body.id("group_id")).orElseThrow(() -> LegacyFailure.groupNotFound(true));
        groups.update(caller, group.id(), Optional.empty(), body.text("group_description"));
        return empty();
    }

    JsonNode byId(ServerRequest request, Caller caller) {
        return LegacyShapes.group(group(caller, pathGroupId(request)).orElseThrow(() -> LegacyFailure.groupNotFound(true)));
    }

    JsonNode byName(ServerRequest request, Caller caller) {
        try {
            return LegacyShapes.group(groups.getByName(caller, request.path().pathParameters().get("group_name")));
        } catch (RoostException e) {
            if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.INVALID_ARGUMENT) {
                throw LegacyFailure.groupNotFound(true);
            }
            throw e;
        }
    }

    JsonNode all(ServerRequest request, Caller caller) {
        List<JsonNode> all = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_SIZE);
        while (true) {
            Page<Group> chunk = groups.list(caller, Optional.empty(), page);
            chunk.items().forEach(group -> all.add(LegacyShapes.group(group)));
            if (chunk.nextCursor().isEmpty()) {
                return LegacyShapes.array(all);
            }
            page = PageRequest.of(PageRequest.MAX_SIZE, chunk.nextCursor().get());
        }
    }

    /** Deletes the group and its memberships; the devices stay. */
    JsonNode delete(ServerRequest request, Caller caller) {
        LegacyBody body = body(request).require("group_id");
        Group group = group(caller, body.id("group_id")).orElseThrow(() -> LegacyFailure.groupNotFound(false));
        groups.delete(caller, group.id());
        return empty();
    }

    // ---- relations ----

    JsonNode relationAdd(ServerRequest request, Caller caller) {
        LegacyBody body = body(request).require("device_id", "group_id");
        Device device = device(caller, body.id("device_id")).orElseThrow(() -> LegacyFailure.deviceNotFound(true));
        Group group = group(caller, body.id("group_id")).orElseThrow(() -> LegacyFailure.groupNotFound(true));
        if (groups.isMember(caller, group.id(), device.id())) {
            throw LegacyFailure.of(409, LegacyFailure.RELATIONOP_ERROR, "Relation already exists");
        }
        groups.addMembers(caller, group.id(), List.of(device.id()));
        return empty();
    }

    JsonNode relationDelete(ServerRequest request, Caller caller) {
        LegacyBody body = body(request).require("device_id", "group_id");
        Relation relation = relation(caller, body).orElseThrow(() -> relationNotFound(false));
        groups.removeMembers(caller, relation.group(), List.of(relation.device()));
        return empty();
    }

    /**
     * Moves a membership to {@code new_group_id}. Unlike the legacy system (no foreign keys), the
     * new group must exist; a membership already there is the legacy system's unique-key failure.
     */
    JsonNode relationMoveToGroup(ServerRequest request, Caller caller) {
        LegacyBody body = body(request).require("device_id", "group_id", "new_group_id");
        Relation relation = relation(caller, body).orElseThrow(() -> relationNotFound(true));
        Group target = group(caller, body.id("new_group_id")).orElseThrow(() -> LegacyFailure.groupNotFound(true));
        if (groups.isMember(caller, target.id(), relation.device())) {
            throw LegacyFailure.database();
        }
        groups.addMembers(caller, target.id(), List.of(relation.device()));
        groups.removeMembers(caller, relation.group(), List.of(relation.device()));
        return empty();
    }

    /** Puts {@code new_device_id} in the membership's place; the new device must exist (see above). */
    JsonNode relationReplaceDevice(ServerRequest request, Caller caller) {
        LegacyBody body = body(request).require("device_id", "group_id", "new_device_id");
        Relation relation = relation(caller, body).orElseThrow(() -> relationNotFound(true));
        Device replacement = device(caller, body.id("new_device_id"))
                .orElseThrow(() -> LegacyFailure.deviceNotFound(true));
        if (groups.isMember(caller, relation.group(), replacement.id())) {
            throw LegacyFailure.database();
        }
        groups.addMembers(caller, relation.group(), List.of(replacement.id()));
        groups.removeMembers(caller, relation.group(), List.of(relation.device()));
        return empty();
    }

    // ---- group and relation compounds ----

    /** The same update on every member, one device after the other (not one transaction). */
    JsonNode modifyAllDevices(ServerRequest request, Caller caller) {
        LegacyBody body = body(request).require("group_id");
        if (LegacyDeviceOperations.UPDATABLE.stream().noneMatch(body::given)) {
            throw LegacyFailure.missingParameters();
        }
        Group group = group(caller, body.id("group_id")).orElseThrow(() -> LegacyFailure.groupNotFound(true));
        List<DeviceId> members = members(caller, group.id());
        if (members.isEmpty()) {
            throw LegacyFailure.noDevicesInGroup();
        }
        for (DeviceId member : members) {
            Optional<Device> device = device(caller, Optional.of(member.value()));
            if (device.isPresent()) {
                LegacyDeviceOperations.update(devices, caller, device.get(), body);
            }
        }
        return empty();
    }

    JsonNode groupsOfDevice(ServerRequest request, Caller caller) {
        Device device = device(caller, LegacyBody.parseId(request.path().pathParameters().get("device_id")))
                .orElseThrow(() -> LegacyFailure.deviceNotFound(false));
        List<Group> of = groups.groupsOf(caller, device.id());
        if (of.isEmpty()) {
            throw LegacyFailure.deviceInNoGroup();
        }
        return LegacyShapes.array(of.stream().map(LegacyShapes::group).toList());
    }

    JsonNode devicesOfGroup(ServerRequest request, Caller caller) {
        Group group = group(caller, pathGroupId(request)).orElseThrow(() -> LegacyFailure.groupNotFound(false));
        List<JsonNode> result = new ArrayList<>();
        for (DeviceId member : members(caller, group.id())) {
            device(caller, Optional.of(member.value())).ifPresent(device -> result.add(LegacyShapes.device(device)));
        }
        if (result.isEmpty()) {
            throw LegacyFailure.noDevicesInGroup();
        }
        return LegacyShapes.array(result);
    }

    JsonNode removeDeviceFromAll(ServerRequest request, Caller caller) {
        LegacyBody body = body(request).require("device_id");
        Device device = device(caller, body.id("device_id")).orElseThrow(() -> LegacyFailure.deviceNotFound(false));
        List<Group> of = groups.groupsOf(caller, device.id());
        if (of.isEmpty()) {
            throw LegacyFailure.deviceInNoGroup();
        }
        for (Group group : of) {
            groups.removeMembers(caller, group.id(), List.of(device.id()));
        }
        return empty();
    }

    JsonNode emptyGroup(ServerRequest request, Caller caller) {
        LegacyBody body = body(request).require("group_id");
        Group group = group(caller, body.id("group_id")).orElseThrow(() -> LegacyFailure.groupNotFound(false));
        List<DeviceId> members = members(caller, group.id());
        if (members.isEmpty()) {
            throw LegacyFailure.noDevicesInGroup();
        }
        for (int from = 0; from < members.size(); from += GroupService.MAX_MEMBERS_PER_CALL) {
            groups.removeMembers(caller, group.id(),
                    members.subList(from, Math.min(members.size(), from + GroupService.MAX_MEMBERS_PER_CALL)));
        }
        return empty();
    }

    /** Deletes (decommissions) every member; that also ends their memberships in every other group. */
    JsonNode deleteDevicesOfGroup(ServerRequest request, Caller caller) {
        LegacyBody body = body(request).require("group_id");
        Group group = group(caller, body.id("group_id")).orElseThrow(() -> LegacyFailure.groupNotFound(false));
        List<DeviceId> members = members(caller, group.id());
        if (members.isEmpty()) {
            throw LegacyFailure.noDevicesInGroup();
        }
        for (DeviceId member : members) {
            devices.decommission(caller, member, "deleted with group " + group.name() + " through the legacy API");
        }
        return empty();
    }

    // ---- helpers ----

    private record Relation(DeviceId device, GroupId group) {
    }

    /** The membership named by {@code device_id} and {@code group_id}, when both exist and it does. */
    private Optional<Relation> relation(Caller caller, LegacyBody body) {
        Optional<Device> device = device(caller, body.id("device_id"));
        Optional<Group> group = group(caller, body.id("group_id"));
        if (device.isEmpty() || group.isEmpty() || !groups.isMember(caller, group.get().id(), device.get().id())) {
            return Optional.empty();
        }
        return Optional.of(new Relation(device.get().id(), group.get().id()));
    }

    private static LegacyFailure relationNotFound(boolean period) {
        return LegacyFailure.of(404, LegacyFailure.RELATIONOP_ERROR, period ? "Relation NOT FOUND." : "Relation NOT FOUND");
    }

    private LegacyBody body(ServerRequest request) {
        return LegacyBody.read(request, json, maxBodyBytes);
    }

    private Optional<Device> device(Caller caller, Optional<Long> id) {
        return LegacyDeviceOperations.find(devices, caller, id);
    }

    private Optional<Group> group(Caller caller, Optional<Long> id) {
        if (id.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(groups.get(caller, new GroupId(id.get())));
        } catch (RoostException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A group id in the path must be an integer: the legacy handler crashed on anything else. */
    private static Optional<Long> pathGroupId(ServerRequest request) {
        String text = request.path().pathParameters().get("group_id");
        try {
            long id = Long.parseLong(text.trim());
            return id > 0 ? Optional.of(id) : Optional.empty();
        } catch (NumberFormatException e) {
            throw LegacyFailure.inner();
        }
    }

    private List<DeviceId> members(Caller caller, GroupId group) {
        List<DeviceId> all = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_SIZE);
        while (true) {
            Page<DeviceId> chunk = groups.members(caller, group, page);
            all.addAll(chunk.items());
            if (chunk.nextCursor().isEmpty()) {
                return all;
            }
            page = PageRequest.of(PageRequest.MAX_SIZE, chunk.nextCursor().get());
        }
    }

    private static ObjectNode empty() {
        return JsonNodeFactory.instance.objectNode();
    }
}
