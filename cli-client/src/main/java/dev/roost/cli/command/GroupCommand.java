package dev.roost.cli.command;

import dev.roost.cli.connect.Connection;
import dev.roost.cli.output.Column;
import dev.roost.cli.output.GroupViews;
import dev.roost.cli.output.GroupViews.GroupView;
import dev.roost.proto.v1.CreateGroupRequest;
import dev.roost.proto.v1.DeleteGroupRequest;
import dev.roost.proto.v1.GetGroupRequest;
import dev.roost.proto.v1.GroupServiceGrpc;
import dev.roost.proto.v1.GroupServiceGrpc.GroupServiceBlockingStub;
import dev.roost.proto.v1.ListGroupsRequest;
import dev.roost.proto.v1.ListGroupsResponse;
import dev.roost.proto.v1.ListMembersRequest;
import dev.roost.proto.v1.ListMembersResponse;
import dev.roost.proto.v1.MembersRequest;
import dev.roost.proto.v1.MembersResponse;
import dev.roost.proto.v1.UpdateGroupRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.function.Function;

/** {@code roost group ...}: named sets of devices (GroupService). */
@Command(name = "group", mixinStandardHelpOptions = true, description = "Create groups and manage their members.",
        footer = {"", "Example: roost group create lab --description 'devices in the lab'"})
final class GroupCommand {
    static final List<Column> COLUMNS = List.of(Column.of("id"), Column.of("name"),
            new Column("MEMBERS", "member_count"), Column.of("description"), new Column("CREATED", "created_at"));

    @ParentCommand
    RoostCommand root;

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a group.",
            footer = {"", "Example: roost group create lab --description 'devices in the lab'"})
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--description", paramLabel = "TEXT") String description) {
        CreateGroupRequest.Builder request = CreateGroupRequest.newBuilder().setName(name);
        if (description != null) {
            request.setDescription(description);
        }
        GroupView group = GroupViews.group(call(stub -> stub.createGroup(request.build())));
        root.output().done("created group " + group.id() + " (" + group.name() + ")", group);
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List groups.",
            footer = {"", "Example: roost group list --name-prefix lab"})
    int list(@Option(names = "--name-prefix", paramLabel = "PREFIX") String namePrefix, @Mixin PageOptions paging) {
        ListGroupsRequest.Builder request = ListGroupsRequest.newBuilder();
        if (namePrefix != null) {
            request.setNamePrefix(namePrefix);
        }
        try (Connection connection = root.connect()) {
            root.output().list(paging.fetch(page -> {
                ListGroupsResponse response = connection.stub(GroupServiceGrpc::newBlockingStub)
                        .listGroups(request.setPage(page).build());
                return new PageOptions.Page<>(response.getGroupsList(), response.getPage());
            }, GroupViews::group), COLUMNS);
        }
        return 0;
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one group, by id or by name.",
            footer = {"", "Example: roost group get 384141756217688064", "         roost group get --name lab"})
    int get(@Parameters(paramLabel = "ID", arity = "0..1") String id,
            @Option(names = "--name", description = "Find the group by name instead.", paramLabel = "NAME") String name) {
        GetGroupRequest.Builder request = GetGroupRequest.newBuilder();
        if (id != null && name == null) {
            request.setId(Args.id("ID", id));
        } else if (id == null && name != null) {
            request.setName(name);
        } else {
            throw Args.usage("give either a group ID or --name");
        }
        root.output().item(GroupViews.group(call(stub -> stub.getGroup(request.build()))));
        return 0;
    }

    @Command(name = "rename", mixinStandardHelpOptions = true, description = "Rename a group (and optionally re-describe it).",
            footer = {"", "Example: roost group rename 384141756217688064 lab-east --description 'east wing'"})
    int rename(@Parameters(index = "0", paramLabel = "ID") String id,
               @Parameters(index = "1", paramLabel = "NEW_NAME") String name,
               @Option(names = "--description", paramLabel = "TEXT") String description) {
        UpdateGroupRequest.Builder request = UpdateGroupRequest.newBuilder().setId(Args.id("ID", id)).setName(name);
        if (description != null) {
            request.setDescription(description);
        }
        GroupView group = GroupViews.group(call(stub -> stub.updateGroup(request.build())));
        root.output().done("group " + group.id() + " is now named " + group.name(), group);
        return 0;
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a group and its memberships; the devices stay.",
            footer = {"", "Example: roost group delete 384141756217688064"})
    int delete(@Parameters(paramLabel = "ID") String id) {
        DeleteGroupRequest request = DeleteGroupRequest.newBuilder().setId(Args.id("ID", id)).build();
        call(stub -> stub.deleteGroup(request));
        root.output().done("deleted group " + id, new Deleted(id, true));
        return 0;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add devices to a group; devices already in it are left as they are.",
            footer = {"", "Example: roost group add 384141756217688064 384141731668426752 384141731668426753"})
    int add(@Parameters(index = "0", paramLabel = "GROUP_ID") String group,
            @Parameters(index = "1..*", arity = "1..*", paramLabel = "DEVICE_ID") List<String> devices) {
        MembersRequest request = members(group, devices);
        MembersResponse response = call(stub -> stub.addMembers(request));
        root.output().done("added " + response.getChanged() + " device(s); group " + group + " has "
                + response.getMemberCount() + " member(s)",
                new GroupViews.MembersChangedView(group, response.getChanged(), response.getMemberCount()));
        return 0;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove devices from a group.",
            footer = {"", "Example: roost group remove 384141756217688064 384141731668426752"})
    int remove(@Parameters(index = "0", paramLabel = "GROUP_ID") String group,
               @Parameters(index = "1..*", arity = "1..*", paramLabel = "DEVICE_ID") List<String> devices) {
        MembersRequest request = members(group, devices);
        MembersResponse response = call(stub -> stub.removeMembers(request));
        root.output().done("removed " + response.getChanged() + " device(s); group " + group + " has "
                + response.getMemberCount() + " member(s)",
                new GroupViews.MembersChangedView(group, response.getChanged(), response.getMemberCount()));
        return 0;
    }

    @Command(name = "members", mixinStandardHelpOptions = true, description = "List the ids of a group's devices.",
            footer = {"", "Example: roost group members 384141756217688064 --all -o json"})
    int members(@Parameters(paramLabel = "GROUP_ID") String group, @Mixin PageOptions paging) {
        ListMembersRequest.Builder request = ListMembersRequest.newBuilder().setGroupId(Args.id("GROUP_ID", group));
        try (Connection connection = root.connect()) {
            root.output().list(paging.fetch(page -> {
                ListMembersResponse response = connection.stub(GroupServiceGrpc::newBlockingStub)
                        .listMembers(request.setPage(page).build());
                return new PageOptions.Page<>(response.getDeviceIdsList(), response.getPage());
            }, GroupViews.MemberView::new), List.of(new Column("DEVICE_ID", "device_id")));
        }
        return 0;
    }

    private static MembersRequest members(String group, List<String> devices) {
        MembersRequest.Builder request = MembersRequest.newBuilder().setGroupId(Args.id("GROUP_ID", group));
        devices.forEach(device -> request.addDeviceIds(Args.id("DEVICE_ID", device)));
        return request.build();
    }

    private <T> T call(Function<GroupServiceBlockingStub, T> call) {
        try (Connection connection = root.connect()) {
            return call.apply(connection.stub(GroupServiceGrpc::newBlockingStub));
        }
    }
}
