package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.DatabaseHold;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import dev.roost.server.support.V0Controller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device's heartbeat never waits behind its uplink work: while the database holds a message,
 * the same connection's {@code ping} is answered, and the held message and those behind it are
 * answered in their order once the database answers (issue #11: agents whose pings went
 * unanswered for a minute behind a starved pool reconnected by thousands).
 */
@Tag("db")
class HeartbeatDuringHeldUplinkTest {
    private static final Set<String> ANSWERS = Set.of("pong", "desired", "status_ack", "resync_required", "error");

    private static TestDatabase database;
    private static TestServer server;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        // Longer than any hold here, so that only the test ends a wait (MariaDB applies it to a table lock).
        server = TestServer.start(database, Map.of("db.query-timeout", "PT1M", "db.connect-timeout", "PT1M"));
    }

    @AfterAll
    static void stop() {
        server.close();
        database.close();
    }

    @Test
    void pingIsAnswered_whileTheDatabaseHoldsAMessage_andTheHeldMessagesAreAnsweredInOrderAfterwards()
            throws Exception {
        String[] device = server.registerDevice("held-uplink");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            Reply desired = server.rest().patch("/api/v1/devices/" + device[0] + "/desired", ADMIN_TOKEN,
                    "{\"patch\":{\"log_level\":\"debug\"}}");
            assertThat(desired.status()).as(desired.raw()).isEqualTo(200);
            link.next("desired");

            String status;
            try (DatabaseHold hold = DatabaseHold.on(database, "desired_state")) {
                // A device that holds no version: the server reads the desired state and sends it whole.
                link.send("desired_applied", "{\"version\":0}");
                status = link.send("status", "{\"mode\":\"snapshot\",\"state\":{\"uptime_s\":7}}");
                String ping = link.send("ping", "{}");
                JsonNode first = link.next(m -> ANSWERS.contains(m.path("type").asText()));
                assertThat(first.path("type").asText()).as(first.toString()).isEqualTo("pong");
                assertThat(first.get("reply_to").asText()).isEqualTo(ping);
            }

            JsonNode full = link.next(m -> ANSWERS.contains(m.path("type").asText()));
            assertThat(full.path("type").asText()).as(full.toString()).isEqualTo("desired");
            assertThat(full.at("/body/mode").asText()).isEqualTo("full");
            assertThat(full.at("/body/state/log_level").asText()).isEqualTo("debug");
            JsonNode ack = link.next(m -> ANSWERS.contains(m.path("type").asText()));
            assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("status_ack");
            assertThat(ack.get("reply_to").asText()).isEqualTo(status);
        }
    }

    @Test
    void aFullLane_refusesWhatArrivesBeyondIt_withRateLimited_andAnswersTheRestInOrder() throws Exception {
        String[] device = server.registerDevice("held-uplink-full");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            server.rest().patch("/api/v1/devices/" + device[0] + "/desired", ADMIN_TOKEN,
                    "{\"patch\":{\"log_level\":\"debug\"}}");
            link.next("desired");

            List<String> sent = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            try (DatabaseHold hold = DatabaseHold.on(database, "desired_state")) {
                link.send("desired_applied", "{\"version\":0}");
                for (int i = 0; i < UplinkLane.MAX_QUEUED + 6; i++) {
                    sent.add(link.send("status", "{\"mode\":\"snapshot\",\"state\":{\"uptime_s\":" + i + "}}"));
                }
                String ping = link.send("ping", "{}");
                // Refusals are answered where the message is read, so all of them come before the pong.
                JsonNode answer = link.next(m -> ANSWERS.contains(m.path("type").asText()));
                while (!answer.path("type").asText().equals("pong")) {
                    assertThat(answer.at("/body/code").asText()).as(answer.toString()).isEqualTo("RATE_LIMITED");
                    refused.add(answer.get("reply_to").asText());
                    answer = link.next(m -> ANSWERS.contains(m.path("type").asText()));
                }
                assertThat(answer.get("reply_to").asText()).isEqualTo(ping);
            }

            // The held message waits in the lane until the lane's thread takes it, before, during or
            // after the burst: 63 or 64 statuses fit behind it, so 6 or 7 of the last 7 are refused
            // (one of those 7 is taken when the thread frees its slot in the middle of the burst).
            assertThat(refused.size()).isBetween(6, 7);
            assertThat(sent.subList(sent.size() - 7, sent.size())).containsAll(refused);
            assertThat(link.next(m -> ANSWERS.contains(m.path("type").asText())).path("type").asText())
                    .isEqualTo("desired");
            List<String> taken = new ArrayList<>(sent);
            taken.removeAll(refused);
            for (String each : taken) {
                JsonNode ack = link.next(m -> ANSWERS.contains(m.path("type").asText()));
                assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("status_ack");
                assertThat(ack.get("reply_to").asText()).isEqualTo(each);
            }
        }
    }

    @Test
    void v0PingPongIsAnswered_whileTheDatabaseHoldsAStatusUpload_whichIsAnsweredAfterwards() throws Exception {
        String[] device = server.registerDevice("held-uplink-v0");
        try (V0Controller controller = V0Controller.connect(server.port())) {
            assertThat(controller.loginById(device[0], device[1])).contains("success");

            try (DatabaseHold hold = DatabaseHold.on(database, "device_status")) {
                // The session's first upload reads the device's stored status.
                controller.send("{\"type\": \"upload_status_info\", \"Headers\": {}, \"data\": {\"Memory_info\": "
                        + "{\"total_memory_mb\": 1673, \"free_memory_mb\": 91, \"buff_cache_mb\": 258}}}");
                assertThat(controller.ping()).isEqualTo("{\"type\":\"ping_pong\",\"Headers\":{},\"data\":\"pong\"}");
            }
            assertThat(controller.next(Duration.ofSeconds(10)))
                    .isEqualTo("{\"type\":\"send_statusInfo_response\",\"Headers\":{},\"data\":{}}");
        }
    }
}
