package dev.roost.server.southbound.v0;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.Await;
import dev.roost.server.support.ManualClock;
import dev.roost.server.support.RestClient;
import dev.roost.server.support.TestServer;
import dev.roost.server.support.V0Controller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The legacy controller's dialect on /ws against the real server: a client without subprotocol
 * that sends exactly what v0-protocol.md documents, and Roost's APIs that must see an ordinary device.
 * The server runs on a {@link ManualClock}: held refusals and order deadlines wait for the test to
 * move it.
 */
@Tag("db")
class V0DialectTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ManualClock CLOCK = new ManualClock();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("southbound.login-failures-per-device", "3"), CLOCK);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Registered(String id, String secret, String serial) {
    }

    private static Registered register(String name) {
        String serial = "SN-" + UUID.randomUUID();
        RestClient.Reply reply = server.rest().post("/api/v1/devices", ADMIN_TOKEN, "{\"name\":\"" + name
                + "\",\"hardware\":{\"serial\":\"" + serial + "\",\"model\":\"ModelA\"}}");
        assertThat(reply.status()).isEqualTo(201);
        return new Registered(reply.data().at("/device/id").asText(), reply.data().get("secret").asText(), serial);
    }

    private static V0Controller loggedIn(Registered device) {
        V0Controller controller = V0Controller.connect(server.port());
        assertThat(controller.loginById(device.id(), device.secret()))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"device_id\":\"" + device.id() + "\"}}");
        return controller;
    }

    private static boolean online(String id) {
        return server.rest().get("/api/v1/devices/" + id + "/status", ADMIN_TOKEN).data().path("online").asBoolean();
    }

    private static String sendCommand(String deviceId, String json) {
        RestClient.Reply reply = server.rest().post("/api/v1/devices/" + deviceId + "/commands", ADMIN_TOKEN, json);
        assertThat(reply.status()).as(reply.raw()).isIn(200, 201, 202);
        return reply.data().get("id").asText();
    }

    private static JsonNode command(String id) {
        return server.rest().get("/api/v1/commands/" + id, ADMIN_TOKEN).data();
    }

    private static JsonNode finalCommand(String id) {
        Await.until("command " + id + " final", () -> Boolean.TRUE.equals(switch (command(id).path("state").asText()) {
            case "SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED", "EXPIRED" -> true;
            default -> false;
        }));
        return command(id);
    }

    @Test
    void bothLoginForms_heartbeatAndStatus_makeAnOrdinaryOnlineDeviceWithRoostStatus() {
        Registered device = register("v0-status");
        try (V0Controller controller = loggedIn(device)) {
            assertThat(controller.ping()).isEqualTo("{\"type\":\"ping_pong\",\"Headers\":{},\"data\":\"pong\"}");
            assertThat(controller.uploadStatus(4112.78, 923.85, 179258.0, 120.6, 1673, 91, 39942, 10509))
                    .isEqualTo("{\"type\":\"send_statusInfo_response\",\"Headers\":{},\"data\":{}}");
            // 15 s later: 10 s of user time and 5 s idle over 15 s of CPU time (with 0 system and iowait).
            controller.uploadStatus(4122.78, 923.85, 179263.0, 120.6, 1673, 100, 39942, 10510);
            assertThat(online(device.id())).isTrue();

            JsonNode reported = server.rest().get("/api/v1/devices/" + device.id() + "/status", ADMIN_TOKEN).data()
                    .get("reported");
            assertThat(reported.at("/cpu/user_pct").asDouble()).isEqualTo(66.7);
            assertThat(reported.at("/cpu/idle_pct").asDouble()).isEqualTo(33.3);
            assertThat(reported.at("/memory/total_bytes").asLong()).isEqualTo(1673L << 20);
            assertThat(reported.at("/memory/free_bytes").asLong()).isEqualTo(100L << 20);
            assertThat(reported.at("/disks/0/mount").asText()).isEqualTo("/");
            assertThat(reported.at("/disks/0/free_bytes").asLong()).isEqualTo((39942L - 10510L) << 20);
            assertThat(reported.at("/legacy/Memory_info/free_memory_mb").asInt()).isEqualTo(100);

            // Form B takes over the device's session; the first connection is closed as replaced.
            try (V0Controller second = V0Controller.connect(server.port())) {
                assertThat(second.loginBySerial(device.serial(), "ModelA", device.secret()))
                        .isEqualTo("{\"status\":\"success\",\"data\":{\"device_id\":\"" + device.id() + "\"}}");
                assertThat(controller.awaitClose(WAIT)).isEqualTo(4004);
                assertThat(second.ping()).contains("\"pong\"");
                assertThat(online(device.id())).isTrue();
            }
        }
        Await.until("device offline", () -> !online(device.id()));
        // Events are written in batches: wait for the connect to be stored.
        Await.until("connected event stored", () -> server.rest().get("/api/v1/devices/" + device.id() + "/events",
                ADMIN_TOKEN).data().toString().contains("\"connected\""));
        assertThat(server.rest().get("/api/v1/devices/" + device.id() + "/events", ADMIN_TOKEN).data().toString())
                .contains("\\\"dialect\\\":\\\"v0\\\"");
    }

    @Test
    void refusedLogins_getTheLegacyAnswersAndANormalClose() {
        Registered device = register("v0-refused");
        String[][] cases = {
            {"{\"device_id\": \"" + device.id() + "\"}", "Not provide password"},
            {"{\"password\": \"whatever-password\"}", "Missing required Parameters!"},
            {"{\"device_sn\": \"SN-x\", \"password\": \"whatever-password\"}", "Missing required Parameters!"},
            {"{\"device_id\": \"12345\", \"password\": \"whatever-password\"}", "Device NOT FOUND."},
            {"{\"device_sn\": \"nope\", \"device_model\": \"ModelA\", \"password\": \"p\"}", "Device NOT FOUND."},
            {"{\"device_id\": \"" + device.id() + "\", \"password\": 12}", "Unknown Error"},
            {"{\"device_id\": \"" + device.id() + "\", \"password\": \"wrong-password\"}", "password Not Correct"},
        };
        for (String[] c : cases) {
            try (V0Controller controller = V0Controller.connectFrom(server.port(), "127.0.0.21")) {
                controller.send(c[0]);
                assertThat(controller.next(WAIT)).as(c[0])
                        .isEqualTo("{\"status\":\"fail\",\"message\":\"" + c[1] + "\"}");
                assertThat(controller.awaitClose(WAIT)).isEqualTo(1000);
            }
        }
        assertThat(online(device.id())).isFalse();
    }

    @Test
    void aControllerInATightLoop_isHeldAndRefusedBeforeAnyCheck() {
        Registered device = register("v0-loop");
        for (int i = 0; i < 3; i++) {
            try (V0Controller controller = V0Controller.connectFrom(server.port(), "127.0.0.22")) {
                assertThat(controller.loginById(device.id(), "wrong-password")).contains("password Not Correct");
            }
        }
        // Throttled: even the right password is refused without being checked, after the full hold
        // (the limiter's own wait, a third of its minute, is longer) on the server's clock.
        V0Dialect v0 = server.server().v0();
        int heldBefore = v0.heldRefusals();
        try (V0Controller controller = V0Controller.connectFrom(server.port(), "127.0.0.22")) {
            controller.send("{\"device_id\": \"" + device.id() + "\", \"password\": \"" + device.secret() + "\"}");
            Await.until("the refusal is held", () -> v0.heldRefusals() == heldBefore + 1);
            CLOCK.advance(V0Dialect.REFUSAL_HOLD.minusMillis(1));
            v0.runDue();
            assertThat(v0.heldRefusals()).as("held a millisecond before the hold ends").isEqualTo(heldBefore + 1);
            CLOCK.advance(Duration.ofMillis(1));
            v0.runDue();
            assertThat(v0.heldRefusals()).isEqualTo(heldBefore);
            assertThat(controller.next(WAIT))
                    .isEqualTo("{\"status\":\"fail\",\"message\":\"Too many failed logins; retry later.\"}");
        }
        // The holder at another address is not locked out.
        try (V0Controller controller = V0Controller.connectFrom(server.port(), "127.0.0.23")) {
            assertThat(controller.loginById(device.id(), device.secret())).contains("success");
        }
    }

    @Test
    void orders_goOneAtATime_andTheirResultsEndTheCommands() {
        Registered device = register("v0-orders");
        try (V0Controller controller = loggedIn(device)) {
            String upload = sendCommand(device.id(), "{\"name\":\"upload_log\"}");
            String custom = sendCommand(device.id(), "{\"name\":\"test_order\",\"params\":{\"level\":3}}");
            String third = sendCommand(device.id(), "{\"name\":\"test_order\",\"params\":{}}");
            // All three went to the session before their creation was answered (not QUEUED): an order
            // the session sent for them was queued on the connection ahead of the pong asked for below.
            assertThat(command(custom).path("state").asText()).isIn("SENT", "ACKED");
            assertThat(command(third).path("state").asText()).isIn("SENT", "ACKED");

            assertThat(controller.next(WAIT)).isEqualTo("{\"type\":\"give_order\",\"Headers\":{\"order_type\":"
                    + "\"upload_log\",\"isInner\":true},\"data\":{\"device_id\":\"" + device.id()
                    + "\",\"remote_dir\":\"/\"}}");
            // One order in flight: the next frame is the pong, not another order.
            assertThat(controller.ping()).isEqualTo("{\"type\":\"ping_pong\",\"Headers\":{},\"data\":\"pong\"}");
            Await.until("the upload is ACKED", () -> command(upload).path("state").asText().equals("ACKED"));
            controller.answer("success", "successfully upload log.");

            assertThat(controller.next(WAIT)).isEqualTo("{\"type\":\"give_order\",\"Headers\":{\"order_type\":"
                    + "\"test_order\",\"isInner\":false},\"data\":{\"device_id\":\"" + device.id()
                    + "\",\"params\":{\"level\":3}}}");
            // An order the controller does not know is answered twice (v0-protocol.md §7.5).
            controller.answer("fail", "order not in config");
            assertThat(controller.nextJson(WAIT).at("/Headers/order_type").asText()).isEqualTo("test_order");
            controller.answer("fail", "Error in exec order: 'test_order'");
            controller.answer("success", "successfully exec order.");

            assertThat(finalCommand(upload).path("state").asText()).isEqualTo("SUCCEEDED");
            JsonNode failed = finalCommand(custom);
            assertThat(failed.path("state").asText()).isEqualTo("FAILED");
            assertThat(failed.path("error_message").asText()).isEqualTo("order not in config");
            // The stray second answer went nowhere: the third order got its own.
            assertThat(finalCommand(third).path("state").asText()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void restart_confirmedThenLoggedInAgain_succeeds() {
        Registered device = register("v0-restart");
        V0Controller controller = loggedIn(device);
        String restart = sendCommand(device.id(), "{\"name\":\"reboot\",\"timeout_ms\":20000}");
        assertThat(controller.next(WAIT)).isEqualTo("{\"type\":\"give_order\",\"Headers\":{\"order_type\":"
                + "\"restart\",\"isInner\":true},\"data\":{\"device_id\":\"" + device.id() + "\"}}");
        controller.answer("success", "wait Server Confirm");
        assertThat(controller.next(WAIT)).isEqualTo("{\"type\":\"restart_confirm\",\"Headers\":{},\"data\":{}}");
        // Acks are written by the group-commit writer, a few milliseconds after they arrive.
        Await.until("the restart is ACKED", () -> command(restart).path("state").asText().equals("ACKED"));
        // os.execl: the process is replaced, the TCP connection ends without a close frame.
        controller.vanish();
        try (V0Controller again = loggedIn(device)) {
            JsonNode done = finalCommand(restart);
            assertThat(done.path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(again.ping()).contains("pong");
        }
    }

    @Test
    void malformedFrames_areIgnoredOrClose_neverAnsweredWithV1Frames() {
        Registered device = register("v0-bad");
        try (V0Controller controller = loggedIn(device)) {
            controller.send("not json at all");
            controller.send("{\"type\": \"no_such_type\", \"Headers\": {}, \"data\": {}}");
            controller.send("{\"Headers\": {}, \"data\": {}}");
            // An answer with no order in flight, and a forged device id, change nothing.
            controller.answer("success", "successfully exec order.");
            controller.send("{\"type\": \"upload_status_info\", \"Headers\": {}, \"data\": {\"device_id\": \"1\"}}");
            assertThat(controller.next(WAIT)).contains("send_statusInfo_response");
            assertThat(controller.ping()).isEqualTo("{\"type\":\"ping_pong\",\"Headers\":{},\"data\":\"pong\"}");
            controller.send("[1, 2, 3]");
            assertThat(controller.awaitClose(WAIT)).isEqualTo(4400);
        }
        try (V0Controller controller = loggedIn(device)) {
            controller.send("{\"type\": \"upload_status_info\", \"Headers\": {}}");
            assertThat(controller.awaitClose(WAIT)).isEqualTo(4400);
        }
    }
}
