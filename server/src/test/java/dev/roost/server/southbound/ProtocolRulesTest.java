package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.protocol.Golden;
import dev.roost.server.support.Await;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** The rules of docs/protocol.md §3-§4 that say which answer wins when several could apply. */
class ProtocolRulesTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("commands.sweep-interval", "PT0.1S"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String code(JsonNode message) {
        return message.at("/body/code").asText();
    }

    private static List<String> transitions(String device, String type) {
        List<String> found = new ArrayList<>();
        for (JsonNode event : server.rest().get("/api/v1/devices/" + device + "/events", ADMIN_TOKEN).data()
                .get("items")) {
            if (event.get("type").asText().equals(type)) {
                found.add(event.get("from").asText() + ">" + event.get("to").asText() + " " + event.get("reason")
                        .asText());
            }
        }
        return found;
    }

    @Test
    void authWithoutCredentials_isAuthErrorBadRequest_thenClose4003() {
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.sendRaw("{\"type\":\"auth\",\"id\":\"d-1\",\"body\":{\"device_id\":\"5\"}}");
            JsonNode refused = link.next("auth_error");
            assertThat(refused.get("body")).isEqualTo(Golden.json("auth_error.bad_request").get("body"));
            assertThat(refused.get("reply_to").asText()).isEqualTo("d-1");
            TestDevice.Closed closed = link.awaitClose();
            assertThat(closed.code()).isEqualTo(4003);
            assertThat(closed.reason()).isEqualTo("auth failed: BAD_REQUEST");
        }
    }

    @Test
    void beforeAuth_theEnvelopeIsCheckedFirst_andEveryErrorCountsTowards4400() {
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.sendRaw("{\"type\":\"teleport\",\"id\":\"x1\",\"body\":{}}");
            assertThat(code(link.next("error"))).isEqualTo("UNKNOWN_TYPE");
            link.sendRaw("{\"type\":\"ping\",\"id\":\"x2\",\"body\":{},\"extra\":1}");
            assertThat(code(link.next("error"))).isEqualTo("BAD_ENVELOPE");
            link.send("status", "{\"mode\":\"snapshot\",\"state\":{}}");
            assertThat(code(link.next("error"))).isEqualTo("NOT_AUTHENTICATED");
            for (int i = 0; i < 7; i++) {
                link.sendRaw("[]");
            }
            TestDevice.Closed closed = link.awaitClose();
            assertThat(closed.code()).isEqualTo(4400);
            assertThat(closed.reason()).isEqualTo("protocol error: too many invalid messages");
        }
    }

    @Test
    void aSecondAuthBeforeTheAnswer_isUnexpectedMessage_andOnlyTheFirstIsAnswered() {
        String[] device = server.registerDevice("twice-auth");
        String auth = "{\"device_id\":\"" + device[0] + "\",\"secret\":\"" + device[1] + "\"}";
        try (TestDevice link = TestDevice.connect(server.port())) {
            String first = link.send("auth", auth);
            String second = link.send("auth", auth);

            JsonNode refused = link.next(m -> m.path("reply_to").asText().equals(second));
            assertThat(refused.path("type").asText()).isEqualTo("error");
            assertThat(code(refused)).isEqualTo("UNEXPECTED_MESSAGE");
            JsonNode answered = link.next(m -> m.path("type").asText().startsWith("auth"));
            assertThat(answered.path("type").asText()).isEqualTo("auth_ok");
            assertThat(answered.get("reply_to").asText()).isEqualTo(first);

            String ping = link.send("ping", "{}");
            assertThat(link.next("pong").get("reply_to").asText()).isEqualTo(ping);
            assertThat(link.isClosed()).isFalse();
            assertThat(link.skippedTypes()).doesNotContain("auth_ok", "auth_error");
            Await.until("the connect logged", () -> !transitions(device[0], "connected").isEmpty());
            assertThat(transitions(device[0], "connected")).containsExactly("REGISTERED>ONLINE connected");
        }
    }

    @Test
    void diffFromVersionZero_withNoStoredState_isResyncRequired() {
        String[] device = server.registerDevice("diff-from-zero");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            String golden = Golden.read("status.diff_from_zero");
            link.sendRaw(golden);
            JsonNode resync = link.next("resync_required");
            assertThat(resync.get("reply_to").asText()).isEqualTo(Golden.json("status.diff_from_zero").get("id")
                    .asText());
            assertThat(resync.at("/body/reported_version").asLong()).isZero();
        }
    }

    @Test
    void aResultBeforeItsAck_isStored() {
        String[] device = server.registerDevice("result-first");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            String commandId = server.rest().post("/api/v1/devices/" + device[0] + "/commands", ADMIN_TOKEN,
                    "{\"name\":\"exec\",\"params\":{},\"timeout_ms\":5000}").data().get("id").asText();
            JsonNode command = link.next("command");
            assertThat(command.at("/body/command_id").asText()).isEqualTo(commandId);
            String resultId = link.send("command_result", "{\"command_id\":\"" + commandId
                    + "\",\"status\":\"succeeded\",\"code\":0,\"result\":{}}");
            JsonNode ack = link.next("command_result_ack");
            assertThat(ack.get("reply_to").asText()).isEqualTo(resultId);
            assertThat(server.rest().get("/api/v1/commands/" + commandId, ADMIN_TOKEN).data().get("state").asText())
                    .isEqualTo("SUCCEEDED");
            String lateAck = link.send("command_ack", "{\"command_id\":\"" + commandId + "\"}");
            JsonNode error = link.next("error");
            assertThat(code(error)).isEqualTo("UNKNOWN_COMMAND");
            assertThat(error.get("reply_to").asText()).isEqualTo(lateAck);
        }
    }

    @Test
    void reconnect_logsConnectedFromOffline_afterTheDisconnect() {
        String[] device = server.registerDevice("reconnect-states");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
        }
        Await.until("the first session ended", () -> !server.server().sessions().isOnline(
                new dev.roost.server.common.DeviceId(Long.parseLong(device[0]))));
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            Await.until("two connects logged", () -> transitions(device[0], "connected").size() == 2);
        }
        assertThat(transitions(device[0], "connected")).containsOnly("OFFLINE>ONLINE connected",
                "REGISTERED>ONLINE connected");
        assertThat(transitions(device[0], "disconnected")).contains("ONLINE>OFFLINE client close");
    }

    @Test
    void commandEventsOfAnOfflineDevice_keepItOffline() {
        String[] device = server.registerDevice("offline-command");
        String commandId = server.rest().post("/api/v1/devices/" + device[0] + "/commands", ADMIN_TOKEN,
                "{\"name\":\"exec\",\"params\":{},\"timeout_ms\":5000}").data().get("id").asText();
        server.rest().post("/api/v1/commands/" + commandId + "/cancel", ADMIN_TOKEN, "{}");
        Await.until("command events logged", () -> transitions(device[0], "command").size() >= 2);
        assertThat(transitions(device[0], "command")).allMatch(t -> t.startsWith("REGISTERED>REGISTERED")
                || t.startsWith("OFFLINE>OFFLINE"));
    }
}
