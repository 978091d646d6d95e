package dev.roost.server.southbound;

import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.support.Await;
import dev.roost.server.support.RawWebSocket;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device that stops reading its socket: the single writer of its session stalls, its bounded
 * outbound queue fills, and then its connection is dropped. Senders never wait on it and other
 * devices keep receiving.
 */
class StuckDeviceTest {
    private static final String FILLER = "x".repeat(16 * 1024);
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("southbound.sweep-interval", "PT0.1S"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void deviceThatStopsReading_isDroppedWhenItsQueueIsFull_andNeverBlocksSendersOrOtherDevices() throws Exception {
        String[] stuck = server.registerDevice("stuck-reader");
        String[] healthy = server.registerDevice("healthy-reader");
        SessionRegistry sessions = server.server().sessions();
        DeviceId stuckId = DeviceId.parse("device_id", stuck[0]);
        DeviceId healthyId = DeviceId.parse("device_id", healthy[0]);
        try (RawWebSocket stuckLink = RawWebSocket.connect(server.port(), 4096);
             TestDevice healthyLink = TestDevice.connect(server.port())) {
            stuckLink.sendText("{\"type\":\"auth\",\"id\":\"a1\",\"body\":{\"device_id\":\"" + stuck[0]
                    + "\",\"secret\":\"" + stuck[1] + "\",\"agent_version\":\"test\"}}");
            assertThat(stuckLink.readFrame(Duration.ofSeconds(10)).text()).contains("auth_ok");
            healthyLink.authenticate(healthy[0], healthy[1]);
            Await.until("both devices online", () -> sessions.isOnline(stuckId) && sessions.isOnline(healthyId));

            // From here on the stuck device reads nothing. Every send only enqueues, so this loop
            // finishes however full the device's socket is; the bound only guards a hang.
            int limit = 20 * DeviceSession.MAX_QUEUED_MESSAGES;
            CompletableFuture<Integer> accepted = CompletableFuture.supplyAsync(() -> {
                int sent = 0;
                while (sent < limit && sessions.send(stuckId, new Messages.Error("INTERNAL", FILLER))) {
                    sent++;
                    if (sent % 64 == 0) {
                        // The other device is served meanwhile, by its own writer.
                        assertThat(sessions.send(healthyId, new Messages.Pong())).isTrue();
                    }
                }
                return sent;
            });
            int sent = accepted.get(60, TimeUnit.SECONDS);

            assertThat(sent).as("sends accepted before the stuck device's queue was full").isLessThan(limit)
                    .isGreaterThan(0);
            assertThat(sessions.send(healthyId, new Messages.Error("INTERNAL", "after the overflow"))).isTrue();
            healthyLink.next(m -> m.toString().contains("after the overflow"));
            assertThat(stuckLink.awaitConnectionEnd(Duration.ofSeconds(20))).as("stuck connection dropped").isTrue();
            Await.until("stuck device offline", () -> !sessions.isOnline(stuckId));
            assertThat(sessions.isOnline(healthyId)).isTrue();
        }
    }
}
