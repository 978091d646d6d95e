package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad input on the device channel: precise errors, limits, and no harm to other sessions. */
class ProtocolErrorsTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("southbound.max-frame-bytes", "2048"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String code(JsonNode error) {
        return error.at("/body/code").asText();
    }

    @Test
    void malformedFrames_getErrorCodes_andTooManyCloseTheConnection() {
        String[] device = server.registerDevice("bad-frames");
        try (TestDevice link = TestDevice.connect(server.port());
             TestDevice bystander = TestDevice.connect(server.port())) {
            String[] other = server.registerDevice("bystander");
            bystander.authenticate(other[0], other[1]);

            link.send("status", "{\"mode\":\"snapshot\",\"state\":{}}");
            assertThat(code(link.next("error"))).isEqualTo("NOT_AUTHENTICATED");
            link.authenticate(device[0], device[1]);

            link.sendRaw("this is not json");
            assertThat(code(link.next("error"))).isEqualTo("BAD_FRAME");
            link.sendRaw("{\"type\":\"teleport\",\"id\":\"x1\",\"body\":{}}");
            JsonNode unknown = link.next("error");
            assertThat(code(unknown)).isEqualTo("UNKNOWN_TYPE");
            assertThat(unknown.get("reply_to").asText()).isEqualTo("x1");
            link.sendRaw("{\"type\":\"status\",\"id\":\"x2\",\"body\":{\"mode\":\"diff\",\"base_version\":-1,"
                    + "\"state\":{}}}");
            assertThat(code(link.next("error"))).isEqualTo("INVALID_FIELD");
            link.sendRaw("{\"type\":\"command_result\",\"id\":\"x3\",\"body\":{\"command_id\":\"42\",\"status\":\"succeeded\"}}");
            assertThat(code(link.next("error"))).isEqualTo("UNKNOWN_COMMAND");
            link.send("auth", "{\"device_id\":\"" + device[0] + "\",\"secret\":\"" + device[1] + "\"}");
            assertThat(code(link.next("error"))).isEqualTo("UNEXPECTED_MESSAGE");

            // A result for an unknown command is not a protocol error (late results after a timeout
            // are normal): five errors so far, five more close the connection.
            for (int i = 0; i < 5; i++) {
                link.sendRaw("[]");
            }
            TestDevice.Closed closed = link.awaitClose();
            assertThat(closed.code()).isEqualTo(4400);

            bystander.send("ping", "{}");
            assertThat(bystander.next("pong")).isNotNull();
        }
        JsonNode status = server.rest().get("/api/v1/devices/" + device[0] + "/status", ADMIN_TOKEN).data();
        assertThat(status.get("reported_version").asLong()).isZero();
    }

    @Test
    void oversizedFrame_closesWith1009() {
        String[] device = server.registerDevice("big");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            link.send("status", "{\"mode\":\"snapshot\",\"state\":{\"blob\":\"" + "x".repeat(4000) + "\"}}");
            TestDevice.Closed closed = link.awaitClose();
            assertThat(closed.code()).isEqualTo(1009);
            assertThat(closed.reason()).isEqualTo("frame too large");
        }
    }

    @Test
    void flood_isRateLimited_thenClosedWith4029() {
        try (TestServer limited = TestServer.start(Map.of("southbound.rate-per-second", "5",
                "southbound.rate-burst", "5"));
             TestDevice link = TestDevice.connect(limited.port())) {
            String[] device = limited.registerDevice("flood");
            link.authenticate(device[0], device[1]);
            java.util.Set<String> sent = new java.util.HashSet<>();
            try {
                for (int i = 0; i < 150 && !link.isClosed(); i++) {
                    sent.add(link.send("ping", "{}"));
                }
            } catch (RuntimeException closedWhileSending) {
                // The server closed the flood mid-way, which is what this test expects.
            }
            JsonNode dropped = link.next(m -> "error".equals(m.path("type").asText()));
            assertThat(code(dropped)).isEqualTo("RATE_LIMITED");
            assertThat(dropped.get("reply_to").asText()).as("names the dropped message").isIn(sent);
            TestDevice.Closed closed = link.awaitClose();
            assertThat(closed.code()).isEqualTo(4029);
            assertThat(closed.reason()).isEqualTo("rate limit exceeded");
        }
    }
}
