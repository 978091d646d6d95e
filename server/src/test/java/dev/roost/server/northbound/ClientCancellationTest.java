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
import io.grpc.StatusRuntimeException;
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
 * Every call a client cancels — a deadline that expires while the server is slow, a watch it
 * closes — is a client RST_STREAM that Helidon's rapid-reset guard counts per connection
 * (docs/operations.md, HTTP/2 reset limits). A busy client keeps its connection through many of
 * them; past the configured limit the connection still ends, as it must against CVE-2023-44487.
 * Whether the connection survived is read from a watch opened first on the same channel: a GOAWAY
 * fails it, while grpc-java would quietly send later calls over a new connection.
 */
@Tag("db")
class ClientCancellationTest {
    /** Twice Helidon's default limit, whose next cancellation sent GOAWAY ENHANCE_YOUR_CALM. */
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
        // Never connected: its commands stay QUEUED, so each wait lasts until the client cancels it.
        String deviceId = server.registerDevice("never-answers")[0];
        ManagedChannel channel = newChannel(server);
        try (Watch<Command> canary = Watch.subscribed(channel, watchCommands(deviceId))) {
            List<ListenableFuture<Command>> waiting = new ArrayList<>();
            for (int i = 0; i < CANCELLED_CALLS; i++) {
                waiting.add(CommandServiceGrpc.newFutureStub(channel).withCallCredentials(admin())
                        .sendCommand(send(deviceId).setWaitTimeoutMs(WAIT_FOR_THE_DEVICE.toMillis()).build()));
                // Stored and waiting: the server has sent nothing of this call's answer.
                assertThat(canary.next().getState()).isEqualTo(CommandState.QUEUED);
            }
            // As when every deadline expires at once on a stalled server: one RST_STREAM(CANCEL) each.
            waiting.forEach(call -> call.cancel(true));
            assertThat(waiting).allMatch(ListenableFuture::isCancelled);

            assertOrdinaryCallServedOnTheSameConnection(channel, deviceId, canary);
        } finally {
            close(channel);
        }
    }

    @Test
    void watchesClosedAfterTheirHeaders_leaveTheConnectionServing() throws Exception {
        String deviceId = server.registerDevice("watched-often")[0];
        ManagedChannel channel = newChannel(server);
        try (Watch<Command> canary = Watch.subscribed(channel, watchCommands(deviceId))) {
            // Helidon counts these too: its gRPC handler writes the headers past the stream's own
            // record of what it sent, so a gRPC stream still looks unanswered when the client resets it.
            List<Watch<Command>> closed = new ArrayList<>();
            for (int i = 0; i < CANCELLED_CALLS; i++) {
                closed.add(Watch.subscribed(channel, watchCommands(deviceId)));
            }
            closed.forEach(Watch::close);

            assertOrdinaryCallServedOnTheSameConnection(channel, deviceId, canary);
        } finally {
            close(channel);
        }
    }

    @Test
    void cancellationsBeyondTheLimitFromTheEnvironment_endTheConnection() throws Exception {
        int limit = 10;
        try (TestServer limited = TestServer.startWithEnvironment(Map.of(
                "SERVER_PROTOCOLS_HTTP2_MAX_DASH_RAPID_DASH_RESETS", Integer.toString(limit),
                // One window for the whole test: the count cannot start over between cancellations.
                "SERVER_PROTOCOLS_HTTP2_RAPID_DASH_RESET_DASH_CHECK_DASH_PERIOD", "PT1H"))) {
            String deviceId = limited.registerDevice("limited")[0];
            Channel channel = limited.channel();
            try (Watch<Command> canary = Watch.subscribed(channel, watchCommands(deviceId))) {
                for (int i = 0; i < limit; i++) {
                    Watch.subscribed(channel, watchCommands(deviceId)).close();
                }
                assertOrdinaryCallServedOnTheSameConnection(channel, deviceId, canary);

                Watch.subscribed(channel, watchCommands(deviceId)).close();

                AssertionError ended = catchThrowableOfType(AssertionError.class, canary::next);
                assertThat(ended).as("the watch fails with the connection").isNotNull();
                Status status = Status.fromThrowable(ended.getCause());
                assertThat(status.getCode()).as("%s", status).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(status.getDescription()).contains("ENHANCE_YOUR_CALM", "Rapid reset attack detected!");
            }
        }
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

    /** A channel of the test's own, so that no other test's cancellations count on its connection. */
    private static ManagedChannel newChannel(TestServer target) {
        return NettyChannelBuilder.forAddress("127.0.0.1", target.port()).usePlaintext().build();
    }

    private static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
