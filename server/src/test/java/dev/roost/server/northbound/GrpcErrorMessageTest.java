package dev.roost.server.northbound;

import dev.roost.proto.v1.CreateGroupRequest;
import dev.roost.proto.v1.GroupServiceGrpc;
import dev.roost.proto.v1.ListGroupsRequest;
import dev.roost.server.support.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Error messages that echo what the caller sent reach gRPC clients intact, whatever characters they hold. */
class GrpcErrorMessageTest {
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
        return GroupServiceGrpc.newBlockingStub(server.channel()).withCallCredentials(TestServer.bearer(
                TestServer.ADMIN_TOKEN)).withDeadlineAfter(TestServer.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void messageEchoingHeaderUnsafeAndNonAsciiCharacters_arrivesVerbatim_andTheConnectionKeepsWorking() {
        // Each of these Huffman-codes to more than 8 bits; together they overflowed Helidon's encoder.
        String name = "<<<<<<<<<<<<<<<<<<<<<<<<X {[\\^`~#$@}] 100% é ✓ " + System.nanoTime();
        groups().createGroup(CreateGroupRequest.newBuilder().setName(name).build());

        for (int attempt = 0; attempt < 2; attempt++) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> groups().createGroup(CreateGroupRequest.newBuilder().setName(name).build()));

            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(e.getStatus().getDescription()).isEqualTo("a group named '" + name + "' exists");
        }
        assertThat(groups().listGroups(ListGroupsRequest.newBuilder().setNamePrefix("<<<<").build()).getGroupsList())
                .anyMatch(g -> g.getName().equals(name));
    }
}
