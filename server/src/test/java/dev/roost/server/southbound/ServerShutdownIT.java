package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roost.server.support.RawWebSocket;
import dev.roost.server.support.RestClient;
import dev.roost.server.support.ServerProcess;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server process stopped by SIGTERM closes device connections with 1001 "server shutdown"
 * (docs/protocol.md §3) before its listener stops, so devices see a close frame, not a reset.
 */
class ServerShutdownIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sigterm_closesDeviceSessionsWith1001_beforeTheListenerStops(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.start(dir)) {
            RestClient.Reply registered = server.rest().post("/api/v1/devices", TestServer.ADMIN_TOKEN,
                    "{\"name\":\"sigterm\",\"hardware\":{\"serial\":\"SN-SIGTERM\",\"model\":\"TEST\"}}");
            assertThat(registered.status()).isEqualTo(201);
            String id = registered.data().at("/device/id").asText();
            String secret = registered.data().get("secret").asText();
            try (RawWebSocket device = RawWebSocket.connect(server.port())) {
                device.sendText("{\"type\":\"auth\",\"id\":\"a1\",\"body\":{\"device_id\":\"" + id
                        + "\",\"secret\":\"" + secret + "\"}}");
                JsonNode answer = JSON.readTree(device.readFrame(Duration.ofSeconds(10)).text());
                assertThat(answer.get("type").asText()).isEqualTo("auth_ok");

                server.terminate();

                RawWebSocket.Frame close = device.readUntilClose(Duration.ofSeconds(10));
                assertThat(close.closeCode()).isEqualTo(1001);
                assertThat(close.text()).isEqualTo("server shutdown");
            }
            assertThat(server.awaitExit(Duration.ofSeconds(30))).as("the server exits").isTrue();
        }
    }
}
