package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.Await;
import dev.roost.server.support.ManualClock;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commands in flight across a server restart (architecture.md, "Restart grace"): a real server
 * stopped and started again on the same database, and a device speaking the protocol.
 */
@Tag("db")
class CommandRestartTest {
    /** The first server never sweeps: its commands are still running when it stops. */
    private static final Map<String, String> NO_SWEEP = Map.of("commands.sweep-interval", "PT1H");
    /** The run timeout of the two commands; the test moves the clock past it while the server is down. */
    private static final int TIMEOUT_MS = 2000;

    private static String sendExec(TestServer on, String device, int n) {
        return on.rest().post("/api/v1/devices/" + device + "/commands", ADMIN_TOKEN,
                "{\"name\":\"exec\",\"params\":{\"n\":" + n + "},\"timeout_ms\":" + TIMEOUT_MS + "}").data().get("id").asText();
    }

    private static JsonNode command(TestServer on, String id) {
        return on.rest().get("/api/v1/commands/" + id, ADMIN_TOKEN).data();
    }

    private static String result(String commandId, String status, int code) {
        return "{\"command_id\":\"" + commandId + "\",\"status\":\"" + status + "\",\"code\":" + code
                + ",\"result\":{\"out\":" + code + "},\"message\":\"done\"}";
    }

    /** Every server of a test reads this clock, which moves only when the test moves it. */
    private final ManualClock clock = new ManualClock();

    /** Runs two commands into ACKED and SENT on a server that then stops; returns their ids. */
    private String[] inFlightAcrossAStop(TestDatabase database, String[] device) {
        String acked;
        String sent;
        try (TestServer first = TestServer.start(database, NO_SWEEP, clock);
             TestDevice link = TestDevice.connect(first.port())) {
            link.authenticate(device[0], device[1]);
            acked = sendExec(first, device[0], 1);
            JsonNode delivered = link.next("command");
            link.sendRaw("{\"type\":\"command_ack\",\"id\":\"a1\",\"reply_to\":\"" + delivered.get("id").asText()
                    + "\",\"body\":{\"command_id\":\"" + acked + "\"}}");
            Await.until("ACKED", () -> command(first, acked).get("state").asText().equals("ACKED"));
            sent = sendExec(first, device[0], 2);
            // Delivered, but the device goes away before it acknowledges it.
            assertThat(link.next("command").at("/body/command_id").asText()).isEqualTo(sent);
        }
        // Both run deadlines pass while the server is down.
        clock.advance(Duration.ofMillis(TIMEOUT_MS + 1));
        return new String[] {acked, sent};
    }

    @Test
    void restart_keepsInFlightCommandsForTheGrace_storesTheirResults_andResendsTheUnacknowledged() {
        try (TestDatabase database = TestDatabase.create()) {
            String[] device;
            try (TestServer setup = TestServer.start(database, NO_SWEEP, clock)) {
                device = setup.registerDevice("restart-grace");
            }
            String[] ids = inFlightAcrossAStop(database, device);
            String acked = ids[0];
            String sent = ids[1];
            Instant started = clock.instant();
            try (TestServer second = TestServer.start(database, Map.of("commands.sweep-interval", "PT0.05S",
                    "commands.restart-grace", "PT30S"), clock)) {
                // Deadlines that passed while the server was down now end 30 s after the listener opened.
                for (String id : ids) {
                    Instant deadline = Instant.parse(command(second, id).get("run_deadline").asText());
                    assertThat(deadline).isEqualTo(started.plusSeconds(30));
                }
                // The sweep runs (it expires a new undeliverable command), yet spares the two.
                String offline = second.registerDevice("sweep-marker")[0];
                String marker = second.rest().post("/api/v1/devices/" + offline + "/commands", ADMIN_TOKEN,
                        "{\"name\":\"exec\",\"delivery_deadline\":\"" + clock.instant().plusMillis(200) + "\"}")
                        .data().get("id").asText();
                clock.advance(Duration.ofMillis(201));
                Await.until("the sweep expired the marker", () -> command(second, marker).get("state").asText()
                        .equals("EXPIRED"));
                assertThat(command(second, acked).get("state").asText()).isEqualTo("ACKED");
                assertThat(command(second, sent).get("state").asText()).isEqualTo("SENT");

                try (TestDevice link = TestDevice.connect(second.port())) {
                    assertThat(link.authenticate(device[0], device[1]).get("queued_commands").asInt()).isEqualTo(1);
                    // The SENT one comes again; the ACKED one does not (the device has it).
                    JsonNode resent = link.next("command");
                    assertThat(resent.at("/body/command_id").asText()).isEqualTo(sent);
                    // A resend is a new attempt with a new run deadline: answered at once.
                    link.answer(resent, "failed", "{\"out\":3}");
                    assertThat(link.next("command_result_ack").at("/body/command_id").asText()).isEqualTo(sent);

                    String resultId = link.send("command_result", result(acked, "succeeded", 0));
                    JsonNode ack = link.next("command_result_ack");
                    assertThat(ack.get("reply_to").asText()).isEqualTo(resultId);
                    assertThat(ack.at("/body/command_id").asText()).isEqualTo(acked);
                    assertThat(command(second, acked).get("state").asText()).isEqualTo("SUCCEEDED");

                    JsonNode failed = command(second, sent);
                    assertThat(failed.get("state").asText()).isEqualTo("FAILED");
                    assertThat(failed.get("device_status_code").asInt()).isEqualTo(3);

                    // The same result again (its ack was lost): acknowledged again, nothing changes.
                    String again = link.send("command_result", result(acked, "succeeded", 0));
                    assertThat(link.next("command_result_ack").get("reply_to").asText()).isEqualTo(again);
                    JsonNode stored = command(second, acked);
                    assertThat(stored.get("state").asText()).isEqualTo("SUCCEEDED");
                    assertThat(stored.at("/result/out").asInt()).isZero();
                    // A different result for a finished command is refused and changes nothing.
                    String other = link.send("command_result", result(acked, "failed", 9));
                    JsonNode refused = link.next("error");
                    assertThat(refused.get("reply_to").asText()).isEqualTo(other);
                    assertThat(refused.at("/body/code").asText()).isEqualTo("UNKNOWN_COMMAND");
                    assertThat(command(second, acked).get("state").asText()).isEqualTo("SUCCEEDED");
                }
            }
        }
    }

    @Test
    void restartGrace_ends_thenCommandsWhoseDevicesNeverReturnTimeOut() {
        try (TestDatabase database = TestDatabase.create()) {
            String[] device;
            try (TestServer setup = TestServer.start(database, NO_SWEEP, clock)) {
                device = setup.registerDevice("restart-gone");
            }
            String[] ids = inFlightAcrossAStop(database, device);
            try (TestServer second = TestServer.start(database, Map.of("commands.sweep-interval", "PT0.05S",
                    "commands.restart-grace", "PT0.5S"), clock)) {
                clock.advance(Duration.ofMillis(501));
                for (String id : ids) {
                    Await.until(id + " TIMED_OUT", () -> command(second, id).get("state").asText()
                            .equals("TIMED_OUT"));
                }
            }
        }
    }
}
