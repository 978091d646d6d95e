package dev.roost.server.southbound;

import dev.roost.server.support.RawWebSocket;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A peer that never answers the server's close frame loses its TCP connection soon after. */
class CloseWaitTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("southbound.auth-timeout", "PT1S", "southbound.close-wait", "PT1S",
                "southbound.sweep-interval", "PT0.2S"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void authTimeout_closeFrameUnanswered_serverClosesTheSocket() throws Exception {
        try (RawWebSocket peer = RawWebSocket.connect(server.port())) {
            RawWebSocket.Frame close = peer.readUntilClose(Duration.ofSeconds(10));
            assertThat(close.closeCode()).isEqualTo(4001);
            // Helidon alone would keep reading until its idle timeout (10 minutes).
            assertThat(peer.awaitConnectionEnd(Duration.ofSeconds(15))).as("socket closed by the server").isTrue();
        }
    }

    @Test
    void authFailure_closeFrameUnanswered_serverClosesTheSocket() throws Exception {
        try (RawWebSocket peer = RawWebSocket.connect(server.port())) {
            peer.sendText("{\"type\":\"auth\",\"id\":\"a1\",\"body\":{\"device_id\":\"12345\",\"secret\":\"wrong-secret-000\"}}");
            RawWebSocket.Frame close = peer.readUntilClose(Duration.ofSeconds(10));
            assertThat(close.closeCode()).isEqualTo(4003);
            assertThat(close.text()).isEqualTo("auth failed: INVALID_CREDENTIALS");
            assertThat(peer.awaitConnectionEnd(Duration.ofSeconds(15))).as("socket closed by the server").isTrue();
        }
    }
}
