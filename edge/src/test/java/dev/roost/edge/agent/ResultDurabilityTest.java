package dev.roost.edge.agent;

import dev.roost.edge.command.CommandRunner;
import dev.roost.edge.config.AgentConfig;
import dev.roost.edge.sim.SyntheticStatusSource;
import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;
import dev.roost.edge.status.BootId;
import dev.roost.edge.support.AgentFixture;
import dev.roost.edge.support.CapturedLog;
import dev.roost.edge.support.CountingMetrics;
import dev.roost.server.support.Await;
import dev.roost.server.support.ManualClock;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real agent and the real server: a result the agent sends while the database cannot store it
 * (its command row locked from another connection, past the query timeout) is not lost. The server
 * answers it with an error instead of an acknowledgement, the agent keeps it and sends it again, and
 * it is stored once the database answers.
 */
class ResultDurabilityTest {
    @TempDir
    Path dir;

    private static String state(TestServer server, String id) {
        return server.rest().get("/api/v1/commands/" + id, ADMIN_TOKEN).data().get("state").asText();
    }

    private static String journalText(Path journal) {
        try {
            return Files.exists(journal) ? Files.readString(journal) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void resultSentWhileTheDatabaseIsLocked_isResentAndStoredAfterwards() throws Exception {
        CountDownLatch proceed = new CountDownLatch(1);
        CommandHandler gated = new CommandHandler() {
            @Override
            public String name() {
                return "gated";
            }

            @Override
            public CommandOutcome handle(CommandRequest request) throws InterruptedException {
                proceed.await();
                return CommandOutcome.succeeded(request.params().put("done", true), "finished during the outage");
            }
        };
        ManualClock clock = new ManualClock();
        try (CapturedLog runnerLog = CapturedLog.of(CommandRunner.class);
             TestDatabase database = TestDatabase.create();
             TestServer server = TestServer.start(database, Map.of("db.query-timeout", "PT1S",
                     "commands.sweep-interval", "PT0.1S"))) {
            String[] device = server.registerDevice("durable-result");
            AgentConfig config = AgentFixture.config(dir, server.port(), device[0], device[1], Map.of());
            BootId bootId = new BootId("boot-1");
            try (EdgeAgent agent = EdgeAgent.builder(config)
                    .systemStatus(new SyntheticStatusSource(1, bootId, "sim"), bootId)
                    .metrics(new CountingMetrics())
                    .handler(gated)
                    .clock(clock)
                    .build().start()) {
                Await.until("online", agent::isLive);
                String id = server.rest().post("/api/v1/devices/" + device[0] + "/commands", ADMIN_TOKEN,
                        "{\"name\":\"gated\",\"params\":{\"n\":1},\"timeout_ms\":120000}").data().get("id").asText();
                Await.until("ACKED", () -> state(server, id).equals("ACKED"));

                Path journal = config.stateDir().resolve("commands.journal");
                try (Connection lock = DriverManager.getConnection(database.settings().url(),
                        database.settings().username(), database.settings().password())) {
                    lock.setAutoCommit(false);
                    try (Statement statement = lock.createStatement()) {
                        statement.executeQuery("SELECT id FROM commands WHERE id = " + id + " FOR UPDATE").close();
                    }
                    proceed.countDown();
                    Await.until("result recorded and sent", () -> journalText(journal).contains("DONE"));
                    // The server gives up on the locked row after its query timeout and answers with an error.
                    Await.until("the agent was told the result is not stored", () -> runnerLog.lines().stream()
                            .anyMatch(line -> line.startsWith("result of " + id + " not stored")));
                    assertThat(state(server, id)).isEqualTo("ACKED");
                    lock.rollback();
                }

                clock.advance(CommandRunner.RESULT_RESEND_AFTER);
                Await.until("stored after the outage", Duration.ofSeconds(30), () -> state(server, id)
                        .equals("SUCCEEDED"));
                assertThat(server.rest().get("/api/v1/commands/" + id, ADMIN_TOKEN).data().at("/result/done")
                        .asBoolean()).isTrue();
                Await.until("acknowledged: the journal no longer holds it for resending",
                        () -> journalText(journal).replace(" ", "").contains("\"delivered\":true"));
            }
        }
    }
}
