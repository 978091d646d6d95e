package dev.roost.server.southbound;

import dev.roost.proto.v1.Command;
import dev.roost.proto.v1.CommandServiceGrpc;
import dev.roost.proto.v1.CommandState;
import dev.roost.proto.v1.DeviceEvent;
import dev.roost.proto.v1.DeviceStatus;
import dev.roost.proto.v1.EventFilter;
import dev.roost.proto.v1.EventServiceGrpc;
import dev.roost.proto.v1.SendCommandRequest;
import dev.roost.proto.v1.StatusServiceGrpc;
import dev.roost.proto.v1.WatchCommandsRequest;
import dev.roost.proto.v1.WatchEventsRequest;
import dev.roost.proto.v1.WatchStatusRequest;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import dev.roost.server.support.Watch;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * gRPC server streams: live events, status and command transitions, each read only after the
 * server said it is subscribed; commands over gRPC with a wait.
 */
@Tag("db")
class WatchStreamsTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void watch_saysWhenSubscribed_thenStreamsConnectAndDisconnectOfTheWatchedDeviceOnly() throws Exception {
        String[] device = server.registerDevice("watched");
        String[] other = server.registerDevice("unwatched");
        WatchEventsRequest request = WatchEventsRequest.newBuilder().setFilter(EventFilter.newBuilder()
                .addDeviceIds(device[0]).addTypes("connected").addTypes("disconnected")).build();
        try (Watch<DeviceEvent> events = Watch.subscribed(server.channel(), (channel, observer) -> EventServiceGrpc
                .newStub(channel).withCallCredentials(TestServer.bearer(TestServer.ADMIN_TOKEN))
                .watch(request, observer))) {
            try (TestDevice unwatched = TestDevice.connect(server.port());
                 TestDevice link = TestDevice.connect(server.port())) {
                unwatched.authenticate(other[0], other[1]);
                link.authenticate(device[0], device[1]);
            }
            DeviceEvent connected = events.next();
            assertThat(connected.getType()).isEqualTo("connected");
            assertThat(connected.getDeviceId()).isEqualTo(device[0]);
            DeviceEvent disconnected = events.next();
            assertThat(disconnected.getType()).isEqualTo("disconnected");
            assertThat(disconnected.getDeviceId()).isEqualTo(device[0]);
            assertThat(disconnected.getReason()).isEqualTo("client close");
        }
    }

    @Test
    void watchStatus_saysWhenSubscribed_thenStreamsTheNextReport() throws Exception {
        String[] device = server.registerDevice("status-watched");
        try (Watch<DeviceStatus> statuses = Watch.subscribed(server.channel(), (channel, observer) -> StatusServiceGrpc
                .newStub(channel).withCallCredentials(TestServer.bearer(TestServer.ADMIN_TOKEN))
                .watchStatus(WatchStatusRequest.newBuilder().addDeviceIds(device[0]).build(), observer));
             TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            link.send("status", "{\"mode\":\"snapshot\",\"state\":{\"boot_id\":\"boot-w\"}}");
            link.next("status_ack");

            DeviceStatus status = statuses.next();
            assertThat(status.getDeviceId()).isEqualTo(device[0]);
            assertThat(status.getReportedJson()).contains("\"boot_id\":\"boot-w\"");
        }
    }

    @Test
    void sendCommandOverGrpc_withWait_andWatchItsTransitions() throws Exception {
        String[] device = server.registerDevice("grpc-commands");
        // Checked before the watch: once, under a loaded CI run, the call right after cancelling the
        // watch on the same connection failed with INTERNAL and nothing in the server log (not traced yet).
        StatusRuntimeException bad = catchThrowableOfType(StatusRuntimeException.class, () ->
                CommandServiceGrpc.newBlockingStub(server.channel())
                        .withCallCredentials(TestServer.bearer(TestServer.ADMIN_TOKEN))
                        .withDeadlineAfter(20, TimeUnit.SECONDS)
                        .sendCommand(SendCommandRequest.newBuilder().setDeviceId(device[0]).setName("exec")
                                .setParamsJson("{not json").build()));
        assertThat(bad.getStatus().getCode()).as("%s", bad.getStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(bad.getStatus().getDescription()).startsWith("params_json:");

        try (Watch<Command> transitions = Watch.subscribed(server.channel(), (channel, observer) -> CommandServiceGrpc
                .newStub(channel).withCallCredentials(TestServer.bearer(TestServer.ADMIN_TOKEN))
                .watchCommands(WatchCommandsRequest.newBuilder().setDeviceId(device[0]).build(), observer));
             TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            Thread answering = Thread.ofVirtual().start(() -> {
                var command = link.next("command");
                link.send("command_result", "{\"command_id\":\"" + command.at("/body/command_id").asText()
                        + "\",\"status\":\"succeeded\",\"result\":{\"ok\":true}}");
            });
            Command done = CommandServiceGrpc.newBlockingStub(server.channel())
                    .withCallCredentials(TestServer.bearer(TestServer.ADMIN_TOKEN))
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .sendCommand(SendCommandRequest.newBuilder().setDeviceId(device[0]).setName("get_config")
                            .setWaitTimeoutMs(10_000).build());
            answering.join();
            assertThat(done.getState()).isEqualTo(CommandState.SUCCEEDED);
            assertThat(done.getResultJson()).isEqualTo("{\"ok\":true}");
            // Rendered from the transitions' events: the first is the QUEUED one, in its order.
            Command queued = transitions.next();
            assertThat(queued.getId()).isEqualTo(done.getId());
            assertThat(queued.getName()).isEqualTo("get_config");
            assertThat(queued.getState()).isEqualTo(CommandState.QUEUED);
            assertThat(queued.getDeviceId()).isEqualTo(device[0]);
            assertThat(queued.getUpdatedAtMs()).isPositive();
        }
    }
}
