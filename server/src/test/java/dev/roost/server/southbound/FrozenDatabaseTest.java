package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database that stops answering: the commands table is locked from a separate connection
 * ({@code LOCK TABLES commands WRITE} on MariaDB; on H2, which has no table locks, the command
 * rows are locked with {@code SELECT ... FOR UPDATE}). API calls fail after the query timeout with
 * UNAVAILABLE, the device's connection keeps being served, and a result is acknowledged only once
 * it is stored, after the lock is gone.
 */
@Tag("db")
class FrozenDatabaseTest {

    /** A separate connection that holds the lock until closed. */
    private static Connection lock(TestDatabase database, String... commandIds) throws SQLException {
        Connection connection = DriverManager.getConnection(database.settings().url(), database.settings().username(),
                database.settings().password());
        try (Statement statement = connection.createStatement()) {
            if (TestDatabase.onMariaDb()) {
                statement.execute("LOCK TABLES commands WRITE");
            } else {
                connection.setAutoCommit(false);
                statement.executeQuery("SELECT id FROM commands WHERE id IN (" + String.join(", ", commandIds)
                        + ") FOR UPDATE").close();
            }
        }
        return connection;
    }

    private static void release(Connection lock) throws SQLException {
        try (lock; Statement statement = lock.createStatement()) {
            if (TestDatabase.onMariaDb()) {
                statement.execute("UNLOCK TABLES");
            } else {
                lock.rollback();
            }
        }
    }

    private static String sendExec(TestServer on, String device, int n) {
        return on.rest().post("/api/v1/devices/" + device + "/commands", ADMIN_TOKEN,
                "{\"name\":\"exec\",\"params\":{\"n\":" + n + "},\"timeout_ms\":60000}").data().get("id").asText();
    }

    @Test
    void lockedCommandsTable_failsApiCallsFast_keepsTheLinkServed_andAcksAResultOnlyOnceStored() throws Exception {
        try (TestDatabase database = TestDatabase.create();
             TestServer server = TestServer.start(database, Map.of("db.query-timeout", "PT1S"));
             TestDevice link = TestDevice.connect(server.port())) {
            String[] device = server.registerDevice("frozen");
            link.authenticate(device[0], device[1]);
            String running = sendExec(server, device[0], 1);
            JsonNode delivered = link.next("command");
            link.sendRaw("{\"type\":\"command_ack\",\"id\":\"a1\",\"reply_to\":\"" + delivered.get("id").asText()
                    + "\",\"body\":{\"command_id\":\"" + running + "\"}}");
            String other = sendExec(server, device[0], 2);
            link.next("command");
            String result = "{\"command_id\":\"" + running + "\",\"status\":\"succeeded\",\"code\":0,"
                    + "\"result\":{\"ok\":true},\"message\":\"done\"}";

            Connection lock = lock(database, running, other);
            try {
                String duringOutage = link.send("command_result", result);
                String ping = link.send("ping", "{}");
                // The connection reads on while the result waits for the database.
                JsonNode first = link.next(m -> Set.of("pong", "error", "command_result_ack")
                        .contains(m.path("type").asText()));
                assertThat(first.path("type").asText()).isEqualTo("pong");
                assertThat(first.get("reply_to").asText()).isEqualTo(ping);

                // Answered while the lock is still held. Without a query timeout the call would wait for the lock
                // (MariaDB: for as long as it is held, the rest of this test), and the client's 20 s request
                // timeout would fail the test.
                Reply cancel = server.rest().post("/api/v1/commands/" + other + "/cancel", ADMIN_TOKEN, "{}");
                assertThat(cancel.status()).as(cancel.raw()).isEqualTo(503);
                assertThat(cancel.type()).isEqualTo("UNAVAILABLE");

                JsonNode notStored = link.next(m -> m.path("reply_to").asText().equals(duringOutage));
                assertThat(notStored.path("type").asText()).isEqualTo("error");
                assertThat(notStored.at("/body/code").asText()).isEqualTo("INTERNAL");
                assertThat(link.skippedTypes()).doesNotContain("command_result_ack");
            } finally {
                release(lock);
            }

            // What the agent does with an unacknowledged result: send it again.
            String resent = link.send("command_result", result);
            JsonNode ack = link.next("command_result_ack");
            assertThat(ack.get("reply_to").asText()).isEqualTo(resent);
            JsonNode stored = server.rest().get("/api/v1/commands/" + running, ADMIN_TOKEN).data();
            assertThat(stored.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(stored.at("/result/ok").asBoolean()).isTrue();
            assertThat(server.rest().get("/api/v1/commands/" + other, ADMIN_TOKEN).data().get("state").asText())
                    .isEqualTo("SENT");
        }
    }
}
