package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** Commands end to end: delivery, results, queueing, timeouts, expiry, cancel, idempotency, restart. */
@Tag("db")
class CommandDeliveryTest {
    /** Run timeouts and delivery deadlines pass only when a test moves this clock. */
    private static final ManualClock clock = new ManualClock();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("commands.sweep-interval", "PT0.1S"), clock);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Reply send(TestServer on, String device, String body) {
        return on.rest().post("/api/v1/devices/" + device + "/commands", ADMIN_TOKEN, body);
    }

    private static String state(TestServer on, String commandId) {
        return on.rest().get("/api/v1/commands/" + commandId, ADMIN_TOKEN).data().get("state").asText();
    }

    @Test
    void commandToAnOnlineDevice_runsToSucceeded_andAWaitingCallerGetsTheResult() {
        String[] device = server.registerDevice("cmd-online");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> send(server, device[0],
                    "{\"name\":\"exec\",\"params\":{\"script\":\"uptime\"},\"timeout_ms\":5000,\"wait_timeout_ms\":8000}"));
            JsonNode command = link.next("command");
            assertThat(command.at("/body/name").asText()).isEqualTo("exec");
            assertThat(command.at("/body/params/script").asText()).isEqualTo("uptime");
            assertThat(command.at("/body/timeout_ms").asLong()).isEqualTo(5000);
            link.answer(command, "succeeded", "{\"exit_code\":0,\"stdout\":\"up 3 days\"}");
            Reply reply = waiting.join();
            assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
            assertThat(reply.data().get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(reply.data().at("/result/stdout").asText()).isEqualTo("up 3 days");
            assertThat(reply.data().get("device_status_code").asInt()).isZero();
            assertThat(reply.data().get("timeout_ms").asLong()).isEqualTo(5000);
            assertThat(reply.data().get("error_message").asText()).as("a success's message is no error").isEmpty();
            assertThat(server.rest().get("/api/v1/commands/" + reply.data().get("id").asText(), ADMIN_TOKEN).data()
                    .get("error_message").asText()).isEmpty();
        }
    }

    @Test
    void failedResult_isRecordedWithTheDeviceCode() {
        String[] device = server.registerDevice("cmd-fail");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            String id = send(server, device[0], "{\"name\":\"get_config\"}").data().get("id").asText();
            link.answer(link.next("command"), "failed", "{\"error\":\"denied\"}");
            Await.until("FAILED", () -> state(server, id).equals("FAILED"));
            JsonNode command = server.rest().get("/api/v1/commands/" + id, ADMIN_TOKEN).data();
            assertThat(command.get("device_status_code").asInt()).isEqualTo(3);
            assertThat(command.get("error_message").asText()).isEqualTo("done");
        }
    }

    @Test
    void commandsForAnOfflineDevice_areQueued_andDeliveredInOrderOnConnect() {
        String[] device = server.registerDevice("cmd-offline");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Reply reply = send(server, device[0], "{\"name\":\"custom.step\",\"params\":{\"n\":" + i + "}}");
            assertThat(reply.data().get("state").asText()).isEqualTo("QUEUED");
            ids.add(reply.data().get("id").asText());
        }
        try (TestDevice link = TestDevice.connect(server.port())) {
            assertThat(link.authenticate(device[0], device[1]).get("queued_commands").asInt()).isEqualTo(3);
            List<String> delivered = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JsonNode command = link.next("command");
                delivered.add(command.at("/body/command_id").asText());
                link.answer(command, "succeeded", "{}");
            }
            assertThat(delivered).containsExactlyElementsOf(ids);
            for (String id : ids) {
                Await.until("command " + id + " SUCCEEDED", () -> state(server, id).equals("SUCCEEDED"));
            }
        }
    }

    @Test
    void unacknowledgedCommands_areResentOnlyAfterAReconnect() {
        String[] device = server.registerDevice("cmd-resend");
        String first;
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            first = send(server, device[0], "{\"name\":\"exec\",\"params\":{\"n\":1}}").data().get("id").asText();
            assertThat(link.next("command").at("/body/command_id").asText()).isEqualTo(first);
            String second = send(server, device[0], "{\"name\":\"exec\",\"params\":{\"n\":2}}").data().get("id")
                    .asText();
            assertThat(link.next("command").at("/body/command_id").asText()).isEqualTo(second);
            link.send("ping", "{}");
            link.next("pong");
            assertThat(link.skippedTypes()).doesNotContain("command");
        }
        try (TestDevice link = TestDevice.connect(server.port())) {
            assertThat(link.authenticate(device[0], device[1]).get("queued_commands").asInt()).isEqualTo(2);
            assertThat(link.next("command").at("/body/command_id").asText()).isEqualTo(first);
        }
    }

    @Test
    void noResultInTime_isTimedOut() {
        String[] device = server.registerDevice("cmd-timeout");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            String id = send(server, device[0], "{\"name\":\"exec\",\"timeout_ms\":300}").data().get("id").asText();
            JsonNode command = link.next("command");
            clock.advance(Duration.ofMillis(301));
            Await.until("TIMED_OUT", () -> state(server, id).equals("TIMED_OUT"));
            link.send("command_result", "{\"command_id\":\"" + command.at("/body/command_id").asText()
                    + "\",\"status\":\"succeeded\"}");
            assertThat(link.next("error").at("/body/code").asText()).isEqualTo("UNKNOWN_COMMAND");
            assertThat(state(server, id)).isEqualTo("TIMED_OUT");
        }
    }

    @Test
    void undeliveredPastItsDeadline_expires() {
        String[] device = server.registerDevice("cmd-expire");
        String deadline = clock.instant().plusMillis(300).toString();
        String id = send(server, device[0], "{\"name\":\"exec\",\"delivery_deadline\":\"" + deadline + "\"}")
                .data().get("id").asText();
        assertThat(state(server, id)).isEqualTo("QUEUED");
        clock.advance(Duration.ofMillis(301));
        Await.until("EXPIRED", () -> state(server, id).equals("EXPIRED"));
        try (TestDevice link = TestDevice.connect(server.port())) {
            assertThat(link.authenticate(device[0], device[1]).get("queued_commands").asInt()).isZero();
        }
    }

    @Test
    void cancel_worksWhileQueuedOrSent_notAfter() {
        String[] device = server.registerDevice("cmd-cancel");
        String queued = send(server, device[0], "{\"name\":\"exec\"}").data().get("id").asText();
        Reply cancelled = server.rest().post("/api/v1/commands/" + queued + "/cancel", ADMIN_TOKEN,
                "{\"reason\":\"changed my mind\"}");
        assertThat(cancelled.data().get("state").asText()).isEqualTo("CANCELLED");
        try (TestDevice link = TestDevice.connect(server.port())) {
            assertThat(link.authenticate(device[0], device[1]).get("queued_commands").asInt()).isZero();
            String sent = send(server, device[0], "{\"name\":\"exec\"}").data().get("id").asText();
            link.next("command");
            assertThat(server.rest().post("/api/v1/commands/" + sent + "/cancel", ADMIN_TOKEN, "{}").data()
                    .get("state").asText()).isEqualTo("CANCELLED");
            assertThat(link.next("command_cancel").at("/body/command_id").asText()).isEqualTo(sent);
            Reply again = server.rest().post("/api/v1/commands/" + sent + "/cancel", ADMIN_TOKEN, "{}");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.type()).isEqualTo("FAILED_PRECONDITION");
        }
    }

    @Test
    void idempotencyKey_returnsTheSameCommand_orConflicts() {
        String[] device = server.registerDevice("cmd-idem");
        Reply first = send(server, device[0], "{\"name\":\"exec\",\"params\":{\"a\":1},\"idempotency_key\":\"k-1\"}");
        Reply same = send(server, device[0], "{\"name\":\"exec\",\"params\":{\"a\":1},\"idempotency_key\":\"k-1\"}");
        assertThat(same.data().get("id").asText()).isEqualTo(first.data().get("id").asText());
        Reply different = send(server, device[0], "{\"name\":\"exec\",\"params\":{\"a\":2},\"idempotency_key\":\"k-1\"}");
        assertThat(different.status()).isEqualTo(409);
        assertThat(different.message()).contains("k-1");
        assertThat(server.rest().get("/api/v1/commands?device_id=" + device[0], ADMIN_TOKEN).data()
                .get("total_count").asLong()).isEqualTo(1);
    }

    @Test
    void badCommandRequests_areRejectedAndNothingIsQueued() {
        String[] device = server.registerDevice("cmd-bad");
        assertThat(send(server, device[0], "{\"name\":\"Bad Name\"}").message()).startsWith("name:");
        assertThat(send(server, device[0], "{\"name\":\"exec\",\"params\":[1]}").message()).startsWith("params:");
        assertThat(send(server, device[0], "{\"name\":\"exec\",\"timeout_ms\":-5}").message()).startsWith("timeout_ms:");
        assertThat(send(server, device[0], "{\"name\":\"exec\",\"delivery_deadline\":\"2001-01-01T00:00:00Z\"}")
                .message()).startsWith("delivery_deadline:");
        assertThat(send(server, device[0], "{\"name\":\"exec\",\"wait_timeout_ms\":300001}").message())
                .startsWith("wait_timeout_ms:");
        assertThat(send(server, device[0], "{\"name\":\"exec\",\"wait_timeout_ms\":-1}").message())
                .startsWith("wait_timeout_ms:");
        assertThat(send(server, "123", "{\"name\":\"exec\"}").status()).isEqualTo(404);
        assertThat(server.rest().get("/api/v1/commands?device_id=" + device[0], ADMIN_TOKEN).data()
                .get("total_count").asLong()).isZero();
    }

    @Test
    void reboot_isConfirmed_andSucceedsOnlyWithANewBootId() {
        String[] device = server.registerDevice("cmd-reboot");
        String id;
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            link.send("status", "{\"mode\":\"snapshot\",\"state\":{\"boot_id\":\"boot-1\"}}");
            link.next("status_ack");
            id = send(server, device[0], "{\"name\":\"reboot\"}").data().get("id").asText();
            JsonNode command = link.next("command");
            link.send("command_ack", "{\"command_id\":\"" + id + "\"}");
            assertThat(link.next("reboot_confirm").at("/body/command_id").asText()).isEqualTo(id);
            Await.until("ACKED", () -> state(server, id).equals("ACKED"));
            assertThat(command.at("/body/name").asText()).isEqualTo("reboot");
        }
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            link.send("status", "{\"mode\":\"snapshot\",\"state\":{\"boot_id\":\"boot-2\"}}");
            link.next("status_ack");
            Await.until("SUCCEEDED", () -> state(server, id).equals("SUCCEEDED"));
            assertThat(server.rest().get("/api/v1/commands/" + id, ADMIN_TOKEN).data().at("/result/boot_id").asText())
                    .isEqualTo("boot-2");
        }
    }

    @Test
    void legacyGiveOrder_runsTheOrderAndReturnsItsResult() {
        String[] device = server.registerDevice("legacy-order");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            CompletableFuture<Reply> order = CompletableFuture.supplyAsync(() -> server.rest().post(
                    "/service/devices_manage/give_order", ADMIN_TOKEN,
                    "{\"device_id\":\"" + device[0] + "\",\"order\":\"upload_log\",\"params\":{\"path\":\"/logs\"}}"));
            JsonNode command = link.next("command");
            assertThat(command.at("/body/name").asText()).isEqualTo("upload_log");
            link.answer(command, "succeeded", "{\"uploaded\":2}");
            Reply reply = order.join();
            assertThat(reply.body().get("status").asText()).isEqualTo("success");
            // The legacy answer carries no data; the result is the command's, as /api/v1 shows it.
            assertThat(server.rest().get("/api/v1/commands/" + command.at("/body/command_id").asText(), ADMIN_TOKEN)
                    .data().at("/result/uploaded").asInt()).isEqualTo(2);
        }
    }

    @Test
    void serverRestart_losesNoQueuedCommand() {
        try (TestDatabase database = TestDatabase.create()) {
            String[] device;
            List<String> ids = new ArrayList<>();
            try (TestServer first = TestServer.start(database, Map.of())) {
                device = first.registerDevice("restart");
                for (int i = 0; i < 2; i++) {
                    ids.add(send(first, device[0], "{\"name\":\"exec\",\"params\":{\"i\":" + i + "}}").data()
                            .get("id").asText());
                }
            }
            try (TestServer second = TestServer.start(database, Map.of());
                 TestDevice link = TestDevice.connect(second.port())) {
                assertThat(link.authenticate(device[0], device[1]).get("queued_commands").asInt()).isEqualTo(2);
                assertThat(link.next("command").at("/body/command_id").asText()).isEqualTo(ids.get(0));
                assertThat(link.next("command").at("/body/command_id").asText()).isEqualTo(ids.get(1));
            }
        }
    }

    @Test
    void inFlightLimit_queuesTheRest_andEachFinishDeliversTheNextInOrder() {
        try (TestServer paced = TestServer.start(Map.of("commands.max-in-flight-per-device", "1"))) {
            String[] device = paced.registerDevice("cmd-paced");
            try (TestDevice link = TestDevice.connect(paced.port())) {
                link.authenticate(device[0], device[1]);
                List<String> ids = new ArrayList<>();
                List<String> states = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    JsonNode sent = send(paced, device[0], "{\"name\":\"custom.step\",\"params\":{\"n\":" + i
                            + "}}").data();
                    ids.add(sent.get("id").asText());
                    states.add(sent.get("state").asText());
                }
                assertThat(states).containsExactly("SENT", "QUEUED", "QUEUED");
                for (String id : ids) {
                    JsonNode command = link.next("command");
                    assertThat(command.at("/body/command_id").asText()).isEqualTo(id);
                    link.send("ping", "{}");
                    link.next("pong");
                    assertThat(link.skippedTypes()).as("only one command runs at a time").doesNotContain("command");
                    link.answer(command, "succeeded", "{}");
                    Await.until("command " + id + " SUCCEEDED", () -> state(paced, id).equals("SUCCEEDED"));
                }
            }
        }
    }
}
