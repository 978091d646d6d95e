package dev.roost.server.northbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.proto.v1.CreateGroupRequest;
import dev.roost.proto.v1.GetGroupRequest;
import dev.roost.proto.v1.Group;
import dev.roost.proto.v1.GroupServiceGrpc;
import dev.roost.proto.v1.IsMemberRequest;
import dev.roost.proto.v1.ListDeviceGroupsRequest;
import dev.roost.proto.v1.ListMembersRequest;
import dev.roost.proto.v1.MembersRequest;
import dev.roost.proto.v1.MembersResponse;
import dev.roost.proto.v1.UpdateGroupRequest;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Tag("db")
class GroupApiTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static GroupServiceGrpc.GroupServiceBlockingStub groups() {
        return GroupServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(TestServer.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .withCallCredentials(TestServer.bearer(ADMIN_TOKEN));
    }

    private static String device() {
        Reply reply = server.rest().post("/api/v1/devices", ADMIN_TOKEN,
                "{\"name\":\"member\",\"hardware\":{\"serial\":\"" + UUID.randomUUID() + "\",\"model\":\"GRP\"}}");
        return reply.data().at("/device/id").asText();
    }

    private static String name() {
        return "group-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void membersAreAddedInBulk_listedAndRemoved() {
        Group group = groups().createGroup(CreateGroupRequest.newBuilder().setName(name()).build());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(device());
        }
        MembersResponse added = groups().addMembers(MembersRequest.newBuilder().setGroupId(group.getId())
                .addAllDeviceIds(ids).build());
        assertThat(added.getChanged()).isEqualTo(4);
        assertThat(added.getMemberCount()).isEqualTo(4);
        MembersResponse again = groups().addMembers(MembersRequest.newBuilder().setGroupId(group.getId())
                .addDeviceIds(ids.get(0)).build());
        assertThat(again.getChanged()).isZero();

        assertThat(groups().listMembers(ListMembersRequest.newBuilder().setGroupId(group.getId()).build())
                .getDeviceIdsList()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(groups().isMember(IsMemberRequest.newBuilder().setGroupId(group.getId())
                .setDeviceId(ids.get(1)).build()).getMember()).isTrue();
        assertThat(groups().listDeviceGroups(ListDeviceGroupsRequest.newBuilder().setDeviceId(ids.get(1)).build())
                .getGroupsList()).extracting(Group::getId).containsExactly(group.getId());

        MembersResponse removed = groups().removeMembers(MembersRequest.newBuilder().setGroupId(group.getId())
                .addDeviceIds(ids.get(1)).build());
        assertThat(removed.getChanged()).isEqualTo(1);
        assertThat(removed.getMemberCount()).isEqualTo(3);

        JsonNode page = server.rest().get("/api/v1/devices?group_id=" + group.getId(), ADMIN_TOKEN).data();
        assertThat(page.get("total_count").asLong()).isEqualTo(3);
    }

    @Test
    void unknownDeviceInBulkAdd_failsWholeCallAndAddsNothing() {
        Group group = groups().createGroup(CreateGroupRequest.newBuilder().setName(name()).build());
        String known = device();
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                () -> groups().addMembers(MembersRequest.newBuilder().setGroupId(group.getId())
                        .addDeviceIds(known).addDeviceIds("999").build()));
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(error.getStatus().getDescription()).contains("999");
        assertThat(groups().getGroup(GetGroupRequest.newBuilder().setId(group.getId()).build()).getMemberCount())
                .isZero();
    }

    @Test
    void decommission_removesMemberships() {
        Group group = groups().createGroup(CreateGroupRequest.newBuilder().setName(name()).build());
        String id = device();
        groups().addMembers(MembersRequest.newBuilder().setGroupId(group.getId()).addDeviceIds(id).build());
        server.rest().post("/api/v1/devices/" + id + "/decommission", ADMIN_TOKEN, "{}");
        assertThat(groups().getGroup(GetGroupRequest.newBuilder().setId(group.getId()).build()).getMemberCount())
                .isZero();
    }

    @Test
    void namesAreUnique_renameAndDelete() {
        String taken = name();
        Group first = groups().createGroup(CreateGroupRequest.newBuilder().setName(taken).build());
        StatusRuntimeException duplicate = catchThrowableOfType(StatusRuntimeException.class,
                () -> groups().createGroup(CreateGroupRequest.newBuilder().setName(taken).build()));
        assertThat(duplicate.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);

        String renamed = name();
        Group updated = groups().updateGroup(UpdateGroupRequest.newBuilder().setId(first.getId()).setName(renamed)
                .build());
        assertThat(updated.getName()).isEqualTo(renamed);
        assertThat(groups().getGroup(GetGroupRequest.newBuilder().setName(renamed).build()).getId())
                .isEqualTo(first.getId());

        Reply deleted = server.rest().delete("/api/v1/groups/" + first.getId(), ADMIN_TOKEN);
        assertThat(deleted.status()).isEqualTo(200);
        Reply gone = server.rest().get("/api/v1/groups/" + first.getId(), ADMIN_TOKEN);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.type()).isEqualTo("NOT_FOUND");
    }

    @Test
    void rest_createsGroupsAndManagesMembers() {
        Reply created = server.rest().post("/api/v1/groups", ADMIN_TOKEN,
                "{\"name\":\"" + name() + "\",\"description\":\"rest group\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.data().get("id").asText();
        String device = device();
        Reply added = server.rest().post("/api/v1/groups/" + id + "/members", ADMIN_TOKEN,
                "{\"device_ids\":[\"" + device + "\"]}");
        assertThat(added.data().get("changed").asLong()).isEqualTo(1);
        assertThat(server.rest().get("/api/v1/groups/" + id + "/members/" + device, ADMIN_TOKEN).data()
                .get("member").asBoolean()).isTrue();
        Reply removed = server.rest().post("/api/v1/groups/" + id + "/members/remove", ADMIN_TOKEN,
                "{\"device_ids\":[\"" + device + "\"]}");
        assertThat(removed.data().get("member_count").asLong()).isZero();

        Reply empty = server.rest().post("/api/v1/groups/" + id + "/members", ADMIN_TOKEN, "{\"device_ids\":[]}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.message()).startsWith("device_ids:");
        Reply unknownGroup = server.rest().post("/api/v1/groups/77/members", ADMIN_TOKEN,
                "{\"device_ids\":[\"" + device + "\"]}");
        assertThat(unknownGroup.status()).isEqualTo(404);
    }
}
