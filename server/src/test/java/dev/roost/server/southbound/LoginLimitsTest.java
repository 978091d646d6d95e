package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The failed-login limits over the real WebSocket, with devices at different loopback addresses. */
class LoginLimitsTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("southbound.login-failures-per-device", "3",
                "southbound.login-failures-per-address", "6"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Sends one auth from {@code source} and returns the auth reply (the connection is then closed). */
    private static JsonNode login(String source, String deviceId, String secret) {
        try (TestDevice link = TestDevice.connectFrom(server.port(), source)) {
            link.send("auth", "{\"device_id\":\"" + deviceId + "\",\"secret\":\"" + secret + "\"}");
            return link.next(m -> m.path("type").asText().startsWith("auth"));
        }
    }

    private static String code(JsonNode reply) {
        return reply.path("type").asText().equals("auth_ok") ? "OK" : reply.at("/body/code").asText();
    }

    @Test
    void aStrangerCannotLockADeviceOut_andGuessingAcrossDevicesFromOneAddressIsRefused() {
        String[] victim = server.registerDevice("victim");
        String[] bystander = server.registerDevice("bystander");

        for (int i = 0; i < 3; i++) {
            assertThat(code(login("127.0.0.5", victim[0], "wrong-secret-000" + i))).isEqualTo("INVALID_CREDENTIALS");
        }
        JsonNode refused = login("127.0.0.5", victim[0], victim[1]);
        assertThat(code(refused)).isEqualTo("RATE_LIMITED");
        assertThat(refused.at("/body/retry_after_ms").asLong()).isPositive();

        // The device's holder, at another address, is not locked out by the stranger.
        assertThat(code(login("127.0.0.6", victim[0], victim[1]))).isEqualTo("OK");

        // The stranger's address has 3 of its 6 failures left, then every device is refused to it.
        for (int i = 0; i < 3; i++) {
            assertThat(code(login("127.0.0.5", Long.toString(900_000_000L + i), "guess-secret-0000")))
                    .isEqualTo("INVALID_CREDENTIALS");
        }
        assertThat(code(login("127.0.0.5", Long.toString(900_000_099L), "guess-secret-0000")))
                .isEqualTo("RATE_LIMITED");
        assertThat(code(login("127.0.0.5", bystander[0], bystander[1]))).isEqualTo("RATE_LIMITED");

        // Other addresses log in as before.
        assertThat(code(login("127.0.0.7", bystander[0], bystander[1]))).isEqualTo("OK");
    }

    @Test
    void aThrottledAddress_stillReconnectsWithSessionTokens() {
        String[] device = server.registerDevice("token-holder");
        String token;
        try (TestDevice link = TestDevice.connectFrom(server.port(), "127.0.0.8")) {
            token = link.authenticate(device[0], device[1]).get("session_token").asText();
        }
        for (int i = 0; i < 6; i++) {
            login("127.0.0.8", Long.toString(800_000_000L + i), "guess-secret-0000");
        }
        assertThat(code(login("127.0.0.8", device[0], device[1]))).isEqualTo("RATE_LIMITED");
        try (TestDevice link = TestDevice.connectFrom(server.port(), "127.0.0.8")) {
            link.send("auth", "{\"session_token\":\"" + token + "\"}");
            assertThat(link.next("auth_ok").at("/body/device_id").asText()).isEqualTo(device[0]);
        }
    }
}
