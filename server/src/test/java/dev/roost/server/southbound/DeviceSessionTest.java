package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.protocol.Golden;
import dev.roost.server.support.Await;
import dev.roost.server.support.ManualClock;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Authentication, presence, replacement and liveness over a real WebSocket. */
@Tag("db")
class DeviceSessionTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "southbound.heartbeat-interval", "PT1S",
                "southbound.auth-timeout", "PT1S",
                "southbound.sweep-interval", "PT0.1S"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String state(String deviceId) {
        return server.rest().get("/api/v1/devices/" + deviceId, ADMIN_TOKEN).data().get("state").asText();
    }

    private static JsonNode events(String deviceId) {
        return server.rest().get("/api/v1/devices/" + deviceId + "/events", ADMIN_TOKEN).data().get("items");
    }

    private static boolean hasEvent(String deviceId, String type, String reason) {
        for (JsonNode event : events(deviceId)) {
            if (event.get("type").asText().equals(type) && event.get("reason").asText().equals(reason)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void authWithIdAndSecret_returnsSessionDetails_andMarksTheDeviceOnline() {
        String[] device = server.registerDevice("auth-ok");
        try (TestDevice link = TestDevice.connect(server.port())) {
            assertThat(link.subprotocol()).isEqualTo("roost.v1");
            JsonNode ok = link.authenticate(device[0], device[1]);
            assertThat(ok.get("device_id").asText()).isEqualTo(device[0]);
            assertThat(ok.get("heartbeat_interval_ms").asLong()).isEqualTo(1000);
            assertThat(ok.get("session_token").asText()).contains(".");
            assertThat(ok.get("session_token_expires_at").asLong()).isGreaterThan(ok.get("server_time").asLong());
            assertThat(ok.get("reported_version").asLong()).isZero();
            assertThat(ok.get("queued_commands").asInt()).isZero();
            Await.until("device is ONLINE", () -> state(device[0]).equals("ONLINE"));
            Await.until("connected event", () -> hasEvent(device[0], "connected", "connected"));
        }
        Await.until("device is OFFLINE after close", () -> state(device[0]).equals("OFFLINE"));
        Await.until("disconnected event", () -> hasEvent(device[0], "disconnected", "client close"));
    }

    @Test
    void authWithHardwareAndSecret_works() {
        Reply registered = server.rest().post("/api/v1/devices", ADMIN_TOKEN,
                "{\"name\":\"hw\",\"hardware\":{\"serial\":\"HW-AUTH-1\",\"model\":\"M\"},\"secret\":\"hw-secret-123456\"}");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.send("auth", "{\"hardware\":{\"serial\":\"HW-AUTH-1\",\"model\":\"M\"},\"secret\":\"hw-secret-123456\"}");
            JsonNode reply = link.next("auth_ok");
            assertThat(reply.at("/body/device_id").asText()).isEqualTo(registered.data().at("/device/id").asText());
        }
    }

    @Test
    void wrongSecret_isRefusedAndClosed() {
        String[] device = server.registerDevice("auth-bad");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.send("auth", "{\"device_id\":\"" + device[0] + "\",\"secret\":\"wrong-secret-0000\"}");
            JsonNode error = link.next("auth_error");
            assertThat(error.at("/body/code").asText()).isEqualTo("INVALID_CREDENTIALS");
            assertThat(error.get("reply_to").asText()).isEqualTo("d-1");
            TestDevice.Closed closed = link.awaitClose();
            assertThat(closed.code()).isEqualTo(4003);
            assertThat(closed.reason()).isEqualTo("auth failed: INVALID_CREDENTIALS");
        }
        Await.until("the refusal is in the device log",
                () -> hasEvent(device[0], "disconnected", "auth error: INVALID_CREDENTIALS"));
        assertThat(state(device[0])).isEqualTo("REGISTERED");
    }

    @Test
    void sessionToken_reconnectsWithoutTheSecret_untilTheSecretRotates() {
        String[] device = server.registerDevice("token");
        String token;
        try (TestDevice link = TestDevice.connect(server.port())) {
            token = link.authenticate(device[0], device[1]).get("session_token").asText();
        }
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.send("auth", "{\"session_token\":\"" + token + "\"}");
            assertThat(link.next("auth_ok").at("/body/device_id").asText()).isEqualTo(device[0]);
        }
        server.rest().post("/api/v1/devices/" + device[0] + "/rotate-secret", ADMIN_TOKEN, "{}");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.send("auth", "{\"session_token\":\"" + token + "\"}");
            assertThat(link.next("auth_error").at("/body/code").asText()).isEqualTo("TOKEN_EXPIRED");
            assertThat(link.awaitClose().code()).isEqualTo(4003);
        }
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.send("auth", "{\"session_token\":\"forged.token\"}");
            assertThat(link.next("auth_error").at("/body/code").asText()).isEqualTo("INVALID_CREDENTIALS");
        }
    }

    @Test
    void disabledDevice_isRefused_andDisablingAnOnlineDeviceTellsItWithAuthError_thenCloses() {
        String[] device = server.registerDevice("disabled");
        String token;
        try (TestDevice link = TestDevice.connect(server.port())) {
            token = link.authenticate(device[0], device[1]).get("session_token").asText();
            server.rest().post("/api/v1/devices/" + device[0] + "/disable", ADMIN_TOKEN, "{}");
            JsonNode told = link.next("auth_error");
            assertThat(told.get("body")).isEqualTo(Golden.json("auth_error.disabled").get("body"));
            assertThat(told.has("reply_to")).isFalse();
            TestDevice.Closed closed = link.awaitClose();
            assertThat(closed.code()).isEqualTo(4003);
            assertThat(closed.reason()).isEqualTo("auth failed: DEVICE_DISABLED");
        }
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.send("auth", "{\"device_id\":\"" + device[0] + "\",\"secret\":\"" + device[1] + "\"}");
            assertThat(link.next("auth_error").at("/body/code").asText()).isEqualTo("DEVICE_DISABLED");
        }
        // A session token issued before the disable names the device's state, not a stale token.
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.send("auth", "{\"session_token\":\"" + token + "\"}");
            assertThat(link.next("auth_error").at("/body/code").asText()).isEqualTo("DEVICE_DISABLED");
            assertThat(link.awaitClose().code()).isEqualTo(4003);
        }
        Await.until("device stays DISABLED", () -> state(device[0]).equals("DISABLED"));
    }

    @Test
    void secondConnection_replacesTheFirst_andTheDeviceStaysOnline() {
        String[] device = server.registerDevice("replace");
        try (TestDevice first = TestDevice.connect(server.port());
             TestDevice second = TestDevice.connect(server.port())) {
            first.authenticate(device[0], device[1]);
            second.authenticate(device[0], device[1]);
            TestDevice.Closed closed = first.awaitClose();
            assertThat(closed.code()).isEqualTo(4004);
            assertThat(closed.reason()).isEqualTo("replaced");
            second.send("ping", "{}");
            assertThat(second.next("pong")).isNotNull();
            Await.until("replacement is ONLINE", () -> state(device[0]).equals("ONLINE")
                    && hasEvent(device[0], "connected", "connected"));
            Await.until("the replaced connection is logged", () -> hasEvent(device[0], "disconnected", "replaced"));
            assertThat(state(device[0])).isEqualTo("ONLINE");
            assertThat(server.server().sessions().isOnline(new dev.roost.server.common.DeviceId(
                    Long.parseLong(device[0])))).isTrue();
        }
    }

    @Test
    void connectionDroppedWithoutCloseFrame_thenReconnect_isAdmitted() {
        String[] device = server.registerDevice("crashed");
        TestDevice crashed = TestDevice.connect(server.port());
        crashed.authenticate(device[0], device[1]);
        crashed.abort();
        try (TestDevice again = TestDevice.connect(server.port())) {
            JsonNode ok = again.authenticate(device[0], device[1]);
            assertThat(ok.get("device_id").asText()).isEqualTo(device[0]);
            again.send("ping", "{}");
            assertThat(again.next("pong")).isNotNull();
            Await.until("ONLINE", () -> state(device[0]).equals("ONLINE"));
        }
    }

    @Test
    void connectionDroppedWithoutCloseFrame_isMarkedOfflineWithinASweep() {
        String[] device = server.registerDevice("vanished");
        TestDevice vanished = TestDevice.connect(server.port());
        vanished.authenticate(device[0], device[1]);
        Await.until("ONLINE", () -> state(device[0]).equals("ONLINE"));
        vanished.abort();
        Await.until("OFFLINE long before the heartbeat timeout", () -> state(device[0]).equals("OFFLINE"));
        Await.until("the drop is logged as such", () -> hasEvent(device[0], "disconnected", "connection lost"));
        assertThat(server.server().sessions().isOnline(new dev.roost.server.common.DeviceId(
                Long.parseLong(device[0])))).isFalse();
    }

    @Test
    void silence_closesWithHeartbeatTimeout_andMarksOffline() {
        String[] device = server.registerDevice("silent");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            TestDevice.Closed closed = link.awaitClose();
            assertThat(closed.code()).isEqualTo(4008);
            assertThat(closed.reason()).isEqualTo("heartbeat timeout");
        }
        Await.until("OFFLINE with a heartbeat-timeout event", () -> state(device[0]).equals("OFFLINE")
                && hasEvent(device[0], "disconnected", "heartbeat timeout"));
    }

    @Test
    void pings_keepTheSessionAlive_beyondTwoHeartbeatIntervals() {
        ManualClock clock = new ManualClock();
        try (TestServer paced = TestServer.start(Map.of("southbound.heartbeat-interval", "PT1S",
                "southbound.sweep-interval", "PT0.05S"), clock)) {
            String[] device = paced.registerDevice("alive");
            try (TestDevice link = TestDevice.connect(paced.port())) {
                link.authenticate(device[0], device[1]);
                Map<String, Runnable> traffic = new LinkedHashMap<>();
                traffic.put("websocket-ping", link::ping);
                traffic.put("application-ping", () -> {
                    link.send("ping", "{}");
                    assertThat(link.next("pong").get("reply_to").asText()).startsWith("d-");
                });
                traffic.forEach((what, ping) -> {
                    // The link and a silent witness start level: both were last heard at this instant.
                    String[] quiet = paced.registerDevice("witness-" + what);
                    try (TestDevice witness = TestDevice.connect(paced.port())) {
                        witness.authenticate(quiet[0], quiet[1]);
                        clock.advance(Duration.ofMillis(1500));
                        ping.run();
                        clock.advance(Duration.ofMillis(1500));
                        // 3 s of silence closes the witness; the sweep that did so found the link heard 1.5 s ago.
                        assertThat(witness.awaitClose().code()).as("witness of %s", what).isEqualTo(4008);
                    }
                    link.send("ping", "{}");
                    assertThat(link.next("pong")).as("after %s", what).isNotNull();
                    assertThat(link.isClosed()).as("after %s", what).isFalse();
                });
                // Presence reaches the device row with the event batch, after the login answered.
                Await.until("device ONLINE", () -> "ONLINE".equals(
                        paced.rest().get("/api/v1/devices/" + device[0], ADMIN_TOKEN).data().get("state").asText()));
            }
        }
    }

    @Test
    void serverShutdown_closesSessionsWith1001() {
        TestServer stopping = TestServer.start();
        String[] device = stopping.registerDevice("shutdown");
        try (TestDevice link = TestDevice.connect(stopping.port())) {
            link.authenticate(device[0], device[1]);
            stopping.close();
            TestDevice.Closed closed = link.awaitClose();
            assertThat(closed.code()).isEqualTo(1001);
            assertThat(closed.reason()).isEqualTo("server shutdown");
        }
    }

    @Test
    void noAuthInTime_closesWith4001() {
        try (TestDevice link = TestDevice.connect(server.port())) {
            TestDevice.Closed closed = link.awaitClose();
            assertThat(closed.code()).isEqualTo(4001);
            assertThat(closed.reason()).isEqualTo("auth timeout");
        }
    }

    @Test
    void aLoginStillRunningAtTheAuthTimeout_isAdmitted_notClosed() throws Exception {
        ManualClock clock = new ManualClock();
        try (TestDatabase database = TestDatabase.create();
             TestServer own = TestServer.start(database, Map.of("southbound.auth-timeout", "PT1S",
                     "southbound.sweep-interval", "PT0.05S", "db.query-timeout", "PT60S"), clock)) {
            String[] device = own.registerDevice("slow-login");
            try (TestDevice link = TestDevice.connect(own.port());
                 TestDevice witness = TestDevice.connect(own.port())) {
                try (Connection hold = holdDevicesTable(database)) {
                    link.send("auth", "{\"device_id\":\"" + device[0] + "\",\"secret\":\"" + device[1] + "\"}");
                    Await.until("the login runs (its credential read waits for the held table)",
                            () -> own.server().sessions().openSessions().stream().anyMatch(DeviceSession::loginStarted));
                    clock.advance(Duration.ofSeconds(2));
                    // The witness never authenticated: once it is closed for that, a sweep has passed the auth
                    // timeout of both connections.
                    assertThat(witness.awaitClose().code()).isEqualTo(4001);
                    release(hold);
                }
                assertThat(link.next("auth_ok").at("/body/device_id").asText()).isEqualTo(device[0]);
                link.send("ping", "{}");
                assertThat(link.next("pong").get("reply_to").asText()).startsWith("d-");
                assertThat(link.isClosed()).isFalse();
            }
        }
    }

    /**
     * A connection that holds every statement on the devices table until {@link #release}: a table
     * lock on MariaDB; on H2, which has no table locks and whose readers never wait for row locks,
     * exclusive mode (every other connection's statements wait).
     */
    private static Connection holdDevicesTable(TestDatabase database) throws SQLException {
        Connection connection = DriverManager.getConnection(database.settings().url(),
                database.settings().username(), database.settings().password());
        try (Statement statement = connection.createStatement()) {
            statement.execute(TestDatabase.onMariaDb() ? "LOCK TABLES devices WRITE" : "SET EXCLUSIVE 1");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private static void release(Connection hold) throws SQLException {
        try (Statement statement = hold.createStatement()) {
            statement.execute(TestDatabase.onMariaDb() ? "UNLOCK TABLES" : "SET EXCLUSIVE 0");
        }
    }

    @Test
    void aLoginThatFailsOnTheDatabase_isAnsweredWithAnError_andTheAuthTimeoutStillCloses() {
        try (TestDatabase database = TestDatabase.create();
             TestServer broken = TestServer.start(database, Map.of("southbound.auth-timeout", "PT1S",
                     "southbound.sweep-interval", "PT0.1S"))) {
            String[] device = broken.registerDevice("database-gone");
            database.close();
            try (TestDevice link = TestDevice.connect(broken.port())) {
                link.send("auth", "{\"device_id\":\"" + device[0] + "\",\"secret\":\"" + device[1] + "\"}");
                assertThat(link.next("error").at("/body/code").asText()).isEqualTo("INTERNAL");
                TestDevice.Closed closed = link.awaitClose();
                assertThat(closed.code()).isEqualTo(4001);
                assertThat(closed.reason()).isEqualTo("auth timeout");
            }
        }
    }

    @Test
    void aLoginThatFailsAfterTheCredentialCheck_endsTheSessionWith1011() throws Exception {
        try (TestDatabase database = TestDatabase.create();
             TestServer own = TestServer.start(database, Map.of())) {
            String[] device = own.registerDevice("unreadable-desired-state");
            // A desired state that cannot be parsed makes the login fail after the session was bound.
            try (Connection connection = DriverManager.getConnection(database.settings().url(),
                    database.settings().username(), database.settings().password());
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO desired_state (device_id, version, desired_json, applied_version, "
                        + "applied_json, updated_at) VALUES (" + device[0] + ", 1, 'not json', 0, '{}', 0)");
            }
            try (TestDevice link = TestDevice.connect(own.port())) {
                link.send("auth", "{\"device_id\":\"" + device[0] + "\",\"secret\":\"" + device[1] + "\"}");
                TestDevice.Closed closed = link.awaitClose();
                assertThat(closed.code()).isEqualTo(1011);
                assertThat(closed.reason()).isEqualTo("internal error");
            }
            Await.until("the device is not left ONLINE", () -> own.rest().get("/api/v1/devices/" + device[0],
                    ADMIN_TOKEN).data().get("state").asText().equals("OFFLINE"));
        }
    }

    @Test
    void unsupportedSubprotocol_isRefusedAtUpgrade() {
        assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("mqtt")
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"),
                        new java.net.http.WebSocket.Listener() { }).join())
                .isInstanceOf(CompletionException.class);
    }
}
