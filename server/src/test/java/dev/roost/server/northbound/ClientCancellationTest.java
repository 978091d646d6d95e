package dev.roost.server.northbound;

import com.google.common.util.concurrent.ListenableFuture;
import dev.roost.proto.v1.Command;
import dev.roost.proto.v1.CommandServiceGrpc;
import dev.roost.proto.v1.CommandState;
import dev.roost.proto.v1.SendCommandRequest;
import dev.roost.proto.v1.WatchCommandsRequest;
import dev.roost.server.support.TestServer;
import dev.roost.server.support.Watch;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every call a client cancels before the server answered — a deadline that expires while the
 * server is slow, a call it abandons — is a client RST_STREAM that Helidon's rapid-reset guard
 * counts per connection (docs/operations.md, HTTP/2 reset limits). A busy client keeps its connection
 * through many of them; past the configured limit the connection still ends, as it must against
 * CVE-2023-44487. Whether the connection survived is read from a watch opened first on the same
 * channel: a GOAWAY fails it, while grpc-java would quietly send later calls over a new connection.
 *
 * <p>The cancelled calls wait for a device that never connects, so they have nothing to answer
 * during the test (a late answer to a cancelled call: {@link CancelledCallAnswerTest}).
 */
@Tag("db")
class ClientCancellationTest {
    /** Twice Helidon's default of 50: its 51st cancellation within 10 s ended the connection. */
    private static final int CANCELLED_CALLS = 100;
    /** Longer than any test runs: these calls only end when the client cancels them. */
    private static final Duration WAIT_FOR_THE_DEVICE = Duration.ofSeconds(60);

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
    void callsCancelledBeforeTheServerAnswered_leaveTheConnectionServing() throws Exception {
        String deviceId = server.registerDevice("never-answers")[0];
        // A connection of this test's own: nothing else counts on it.
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try (Watch<Command> canary = Watch.subscribed(channel, watchCommands(deviceId))) {
            List<ListenableFuture<Command>> waiting = startWaitingCalls(channel, deviceId, canary, CANCELLED_CALLS);
            // As when every deadline expires at once on a stalled server: one RST_STREAM(CANCEL) each.
            waiting.forEach(call -> call.cancel(true));
            assertThat(waiting).allMatch(ListenableFuture::isCancelled);

            assertOrdinaryCallServedOnTheSameConnection(channel, deviceId, canary);
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void cancellationsBeyondTheLimitSetInTheEnvironment_endTheConnection() throws Exception {
        int limit = 10;
        try (TestServer limited = TestServer.startWithEnvironment(Map.of(
                "SERVER_PROTOCOLS_HTTP2_MAX_DASH_RAPID_DASH_RESETS", Integer.toString(limit),
                // One window for the whole test: the count cannot start over between cancellations.
                "SERVER_PROTOCOLS_HTTP2_RAPID_DASH_RESET_DASH_CHECK_DASH_PERIOD", "PT1H"))) {
            String deviceId = limited.registerDevice("limited")[0];
            Channel channel = limited.channel();
            try (Watch<Command> canary = Watch.subscribed(channel, watchCommands(deviceId))) {
                startWaitingCalls(channel, deviceId, canary, limit).forEach(call -> call.cancel(true));
                assertOrdinaryCallServedOnTheSameConnection(channel, deviceId, canary);

                startWaitingCalls(channel, deviceId, canary, 1).forEach(call -> call.cancel(true));

                AssertionError ended = catchThrowableOfType(AssertionError.class, canary::next);
                assertThat(ended).as("the watch fails with its connection").isNotNull();
                Status status = Status.fromThrowable(ended.getCause());
                assertThat(status.getCode()).as("%s", status).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(status.getDescription()).contains("ENHANCE_YOUR_CALM", "Rapid reset attack detected!");
            }
        }
    }

    /**
     * Sends {@code count} commands that wait for the device, one after the other, each once the
     * server has stored the previous one (its QUEUED transition on {@code canary}): all are then in
     * flight with nothing of their answers sent.
     */
    private static List<ListenableFuture<Command>> startWaitingCalls(Channel channel, String deviceId,
                                                                     Watch<Command> canary, int count)
            throws InterruptedException {
        List<ListenableFuture<Command>> waiting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            waiting.add(CommandServiceGrpc.newFutureStub(channel).withCallCredentials(admin())
                    .sendCommand(send(deviceId).setWaitTimeoutMs(WAIT_FOR_THE_DEVICE.toMillis()).build()));
            assertThat(canary.next().getState()).isEqualTo(CommandState.QUEUED);
        }
        return waiting;
    }

    /**
     * An ordinary call succeeds, and the watch opened before the cancellations reports it: the
     * connection it shares with the cancelled calls was not ended.
     */
    private static void assertOrdinaryCallServedOnTheSameConnection(Channel channel, String deviceId,
                                                                    Watch<Command> canary) throws InterruptedException {
        Command sent = CommandServiceGrpc.newBlockingStub(channel).withCallCredentials(admin())
                .withDeadlineAfter(TestServer.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .sendCommand(send(deviceId).build());
        assertThat(sent.getState()).isEqualTo(CommandState.QUEUED);
        Command seen = canary.next();
        assertThat(seen.getId()).isEqualTo(sent.getId());
    }

    private static SendCommandRequest.Builder send(String deviceId) {
        return SendCommandRequest.newBuilder().setDeviceId(deviceId).setName("get_config");
    }

    private static BiConsumer<Channel, StreamObserver<Command>> watchCommands(String deviceId) {
        return (channel, observer) -> CommandServiceGrpc.newStub(channel).withCallCredentials(admin())
                .watchCommands(WatchCommandsRequest.newBuilder().setDeviceId(deviceId).build(), observer);
    }

    private static io.grpc.CallCredentials admin() {
        return TestServer.bearer(TestServer.ADMIN_TOKEN);
    }
}
