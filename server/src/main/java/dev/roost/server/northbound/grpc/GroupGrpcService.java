package dev.roost.server.northbound.grpc;

import dev.roost.proto.v1.CreateGroupRequest;
import dev.roost.proto.v1.DeleteGroupRequest;
import dev.roost.proto.v1.DeleteGroupResponse;
import dev.roost.proto.v1.GetGroupRequest;
import dev.roost.proto.v1.Group;
import dev.roost.proto.v1.GroupServiceGrpc;
import dev.roost.proto.v1.IsMemberRequest;
import dev.roost.proto.v1.IsMemberResponse;
import dev.roost.proto.v1.ListDeviceGroupsRequest;
import dev.roost.proto.v1.ListGroupsRequest;
import dev.roost.proto.v1.ListGroupsResponse;
import dev.roost.proto.v1.ListMembersRequest;
import dev.roost.proto.v1.ListMembersResponse;
import dev.roost.proto.v1.MembersRequest;
import dev.roost.proto.v1.MembersResponse;
import dev.roost.proto.v1.UpdateGroupRequest;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.error.RoostException;
import dev.roost.server.group.GroupService;
import io.grpc.stub.StreamObserver;

import java.util.Optional;

/** gRPC adapter of {@link GroupService}. */
public final class GroupGrpcService extends GroupServiceGrpc.GroupServiceImplBase {
    private final GroupService groups;

    public GroupGrpcService(GroupService groups) {
        this.groups = groups;
    }

    @Override
    public void createGroup(CreateGroupRequest request, StreamObserver<Group> observer) {
        Unary.respond(observer, () -> ProtoMapper.group(groups.create(GrpcAuthInterceptor.caller(), request.getName(),
                request.getDescription())));
    }

    @Override
    public void getGroup(GetGroupRequest request, StreamObserver<Group> observer) {
        Unary.respond(observer, () -> ProtoMapper.group(switch (request.getKeyCase()) {
            case ID -> groups.get(GrpcAuthInterceptor.caller(), GroupId.parse("id", request.getId()));
            case NAME -> groups.getByName(GrpcAuthInterceptor.caller(), request.getName());
            case KEY_NOT_SET -> throw RoostException.invalid("key", "give id or name");
        }));
    }

    @Override
    public void listGroups(ListGroupsRequest request, StreamObserver<ListGroupsResponse> observer) {
        Unary.respond(observer, () -> {
            Page<dev.roost.server.group.Group> page = groups.list(GrpcAuthInterceptor.caller(),
                    Optional.of(request.getNamePrefix()), ProtoMapper.page(request.getPage()));
            return ListGroupsResponse.newBuilder()
                    .addAllGroups(page.items().stream().map(ProtoMapper::group).toList())
                    .setPage(ProtoMapper.pageInfo(page))
                    .build();
        });
    }

    @Override
    public void updateGroup(UpdateGroupRequest request, StreamObserver<Group> observer) {
        Unary.respond(observer, () -> ProtoMapper.group(groups.update(GrpcAuthInterceptor.caller(),
                GroupId.parse("id", request.getId()),
                request.hasName() ? Optional.of(request.getName()) : Optional.empty(),
                request.hasDescription() ? Optional.of(request.getDescription()) : Optional.empty())));
    }

    @Override
    public void deleteGroup(DeleteGroupRequest request, StreamObserver<DeleteGroupResponse> observer) {
        Unary.respond(observer, () -> {
            groups.delete(GrpcAuthInterceptor.caller(), GroupId.parse("id", request.getId()));
            return DeleteGroupResponse.getDefaultInstance();
        });
    }

    @Override
    public void addMembers(MembersRequest request, StreamObserver<MembersResponse> observer) {
        Unary.respond(observer, () -> membership(groups.addMembers(GrpcAuthInterceptor.caller(),
                GroupId.parse("group_id", request.getGroupId()),
                ProtoMapper.deviceIds("device_ids", request.getDeviceIdsList()))));
    }

    @Override
    public void removeMembers(MembersRequest request, StreamObserver<MembersResponse> observer) {
        Unary.respond(observer, () -> membership(groups.removeMembers(GrpcAuthInterceptor.caller(),
                GroupId.parse("group_id", request.getGroupId()),
                ProtoMapper.deviceIds("device_ids", request.getDeviceIdsList()))));
    }

    @Override
    public void listMembers(ListMembersRequest request, StreamObserver<ListMembersResponse> observer) {
        Unary.respond(observer, () -> {
            Page<DeviceId> page = groups.members(GrpcAuthInterceptor.caller(),
                    GroupId.parse("group_id", request.getGroupId()), ProtoMapper.page(request.getPage()));
            return ListMembersResponse.newBuilder()
                    .addAllDeviceIds(page.items().stream().map(DeviceId::toString).toList())
                    .setPage(ProtoMapper.pageInfo(page))
                    .build();
        });
    }

    @Override
    public void listDeviceGroups(ListDeviceGroupsRequest request, StreamObserver<ListGroupsResponse> observer) {
        Unary.respond(observer, () -> ListGroupsResponse.newBuilder()
                .addAllGroups(groups.groupsOf(GrpcAuthInterceptor.caller(),
                        DeviceId.parse("device_id", request.getDeviceId())).stream().map(ProtoMapper::group).toList())
                .build());
    }

    @Override
    public void isMember(IsMemberRequest request, StreamObserver<IsMemberResponse> observer) {
        Unary.respond(observer, () -> IsMemberResponse.newBuilder()
                .setMember(groups.isMember(GrpcAuthInterceptor.caller(), GroupId.parse("group_id", request.getGroupId()),
                        DeviceId.parse("device_id", request.getDeviceId())))
                .build());
    }

    private static MembersResponse membership(GroupService.MembershipChange change) {
        return MembersResponse.newBuilder().setChanged(change.changed()).setMemberCount(change.memberCount()).build();
    }
}
