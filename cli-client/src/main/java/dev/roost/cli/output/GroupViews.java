package dev.roost.cli.output;

import dev.roost.proto.v1.Group;

/** Views of groups and memberships. */
public final class GroupViews {
    private GroupViews() {
    }

    public record GroupView(String id, String name, String description, long memberCount, String createdAt,
                            String updatedAt) {
    }

    public record MemberView(String deviceId) {
    }

    /** The answer to adding or removing members. */
    public record MembersChangedView(String groupId, long changed, long memberCount) {
    }

    public static GroupView group(Group group) {
        return new GroupView(group.getId(), group.getName(), Values.text(group.getDescription()),
                group.getMemberCount(), Values.time(group.getCreatedAtMs()), Values.time(group.getUpdatedAtMs()));
    }
}
