package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.Await;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** A command to a group: one per member, progress counts on the aggregate handle. */
@Tag("db")
class GroupCommandTest {
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
    void groupCommand_fansOutToMembers_andCountsProgress() {
        String group = server.rest().post("/api/v1/groups", ADMIN_TOKEN, "{\"name\":\"g-" + UUID.randomUUID() + "\"}")
                .data().get("id").asText();
        String[] online = server.registerDevice("member-online");
        String[] offline = server.registerDevice("member-offline");
        server.rest().post("/api/v1/groups/" + group + "/members", ADMIN_TOKEN,
                "{\"device_ids\":[\"" + online[0] + "\",\"" + offline[0] + "\"]}");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(online[0], online[1]);
            Reply sent = server.rest().post("/api/v1/groups/" + group + "/commands", ADMIN_TOKEN,
                    "{\"name\":\"get_config\"}");
            assertThat(sent.status()).as(sent.raw()).isEqualTo(201);
            assertThat(sent.data().get("total").asLong()).isEqualTo(2);
            String groupCommand = sent.data().get("id").asText();
            JsonNode command = link.next("command");
            String id = command.at("/body/command_id").asText();
            link.send("command_result", "{\"command_id\":\"" + id + "\",\"status\":\"succeeded\",\"result\":{}}");
            Await.until("one succeeded, one queued", () -> {
                JsonNode counts = server.rest().get("/api/v1/group-commands/" + groupCommand, ADMIN_TOKEN).data()
                        .get("counts_by_state");
                return counts.path("SUCCEEDED").asLong() == 1 && counts.path("QUEUED").asLong() == 1;
            });
            assertThat(server.rest().get("/api/v1/commands?group_command_id=" + groupCommand, ADMIN_TOKEN).data()
                    .get("total_count").asLong()).isEqualTo(2);

            Reply keyed = server.rest().post("/api/v1/groups/" + group + "/commands", ADMIN_TOKEN,
                    "{\"name\":\"exec\",\"params\":{\"a\":1},\"idempotency_key\":\"g-1\"}");
            Reply replayed = server.rest().post("/api/v1/groups/" + group + "/commands", ADMIN_TOKEN,
                    "{\"name\":\"exec\",\"params\":{\"a\":1},\"idempotency_key\":\"g-1\"}");
            assertThat(replayed.data().get("id").asText()).isEqualTo(keyed.data().get("id").asText());
            Reply conflicting = server.rest().post("/api/v1/groups/" + group + "/commands", ADMIN_TOKEN,
                    "{\"name\":\"exec\",\"params\":{\"a\":2},\"idempotency_key\":\"g-1\"}");
            assertThat(conflicting.status()).isEqualTo(409);
            Reply waiting = server.rest().post("/api/v1/groups/" + group + "/commands", ADMIN_TOKEN,
                    "{\"name\":\"exec\",\"wait_timeout_ms\":1000}");
            assertThat(waiting.status()).isEqualTo(400);
            assertThat(waiting.message()).startsWith("wait_timeout_ms:");
        }
    }
}
