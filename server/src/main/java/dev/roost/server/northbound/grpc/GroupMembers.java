package dev.roost.server.northbound.grpc;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.group.GroupService;
import dev.roost.server.security.Caller;

import java.util.ArrayList;
import java.util.List;

/** Every member of a group, page by page; the membership a watch filter is fixed to. */
final class GroupMembers {
    private GroupMembers() {
    }

    static List<DeviceId> all(GroupService groups, Caller caller, GroupId group) {
        List<DeviceId> members = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_SIZE);
        while (true) {
            Page<DeviceId> chunk = groups.members(caller, group, page);
            members.addAll(chunk.items());
            if (chunk.nextCursor().isEmpty()) {
                return members;
            }
            page = PageRequest.of(PageRequest.MAX_SIZE, chunk.nextCursor().get());
        }
    }
}
