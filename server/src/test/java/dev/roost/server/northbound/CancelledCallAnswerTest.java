package dev.roost.server.northbound;

import com.google.common.util.concurrent.ListenableFuture;
import dev.roost.proto.v1.CancelCommandRequest;
import dev.roost.proto.v1.Command;
import dev.roost.proto.v1.CommandServiceGrpc;
import dev.roost.proto.v1.CommandState;
import dev.roost.proto.v1.SendCommandRequest;
import dev.roost.proto.v1.WatchCommandsRequest;
import dev.roost.server.support.Await;
import dev.roost.server.support.TestServer;
import dev.roost.server.support.Watch;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call that its client cancelled and that the server answers later — a {@code SendCommand} whose
 * client deadline expired while it waited for an offline device — must send nothing on its reset
 * stream. Helidon 4.5 wrote the answer; grpc-java answered RST_STREAM(STREAM_CLOSED) and, with a
 * newer stream open, Helidon ended the connection with GOAWAY(PROTOCOL_ERROR), failing every call on
 * it with {@code INTERNAL: Abrupt GOAWAY} (docs/upstream/helidon-http2-closed-streams.md, §1).
 * Whether the connection survived is read from a watch opened on it after the cancel: grpc-java
 * would quietly send later calls over a new connection.
 */
class CancelledCallAnswerTest {
    /** Longer than the test runs: the call ends only when its command is cancelled. */
    private static final Duration WAIT_FOR_THE_DEVICE = Duration.ofSeconds(60);

    private TestServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        server = TestServer.start();
        // The connection under test; the server's own channel is a second connection.
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void answerReadyAfterTheClientCancelled_isNotSent_andTheConnectionKeepsServing() throws Exception {
        String deviceId = server.registerDevice("offline")[0];
        try (Watch<Command> transitions = Watch.subscribed(server.channel(), watchCommands(deviceId))) {
            ListenableFuture<Command> waiting = CommandServiceGrpc.newFutureStub(channel).withCallCredentials(admin())
                    .sendCommand(send(deviceId).setWaitTimeoutMs(WAIT_FOR_THE_DEVICE.toMillis()).build());
            Command queued = transitions.next();
            assertThat(queued.getState()).isEqualTo(CommandState.QUEUED);
            // As when the client's deadline expires: RST_STREAM(CANCEL) while the server waits.
            waiting.cancel(true);

            // A newer stream on the same connection: opening it, Helidon drops the reset one from its table.
            try (Watch<Command> later = Watch.subscribed(channel, watchCommands(deviceId))) {
                long droppedBefore = server.server().grpcAnswersDropped();
                // The wait ends, over the other connection: the cancelled call now has its answer.
                CommandServiceGrpc.newBlockingStub(server.channel()).withCallCredentials(admin())
                        .withDeadlineAfter(TestServer.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .cancelCommand(CancelCommandRequest.newBuilder().setId(queued.getId()).build());
                Await.until("the late answer is dropped or the connection has ended",
                        () -> server.server().grpcAnswersDropped() > droppedBefore || later.ended());

                assertThat(later.next().getState()).isEqualTo(CommandState.CANCELLED);
                assertOrdinaryCallServedOnTheSameConnection(deviceId, later);
                assertOrdinaryCallServedOnTheSameConnection(deviceId, later);
                assertThat(server.server().grpcAnswersDropped()).isEqualTo(droppedBefore + 1);
            }
        }
    }

    /** An ordinary call succeeds, and the watch on the connection under test reports it: that connection lives. */
    private void assertOrdinaryCallServedOnTheSameConnection(String deviceId, Watch<Command> watch)
            throws InterruptedException {
        Command sent = CommandServiceGrpc.newBlockingStub(channel).withCallCredentials(admin())
                .withDeadlineAfter(TestServer.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .sendCommand(send(deviceId).build());
        assertThat(sent.getState()).isEqualTo(CommandState.QUEUED);
        assertThat(watch.next().getId()).isEqualTo(sent.getId());
    }

    private static SendCommandRequest.Builder send(String deviceId) {
        return SendCommandRequest.newBuilder().setDeviceId(deviceId).setName("get_config");
    }

    private static BiConsumer<Channel, StreamObserver<Command>> watchCommands(String deviceId) {
        return (channel, observer) -> CommandServiceGrpc.newStub(channel).withCallCredentials(admin())
                .watchCommands(WatchCommandsRequest.newBuilder().setDeviceId(deviceId).build(), observer);
    }

    private static CallCredentials admin() {
        return TestServer.bearer(TestServer.ADMIN_TOKEN);
    }
}
