package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.common.Text;
import dev.roost.server.support.Await;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.StreamSupport;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values a device chooses can be longer than their columns: none of them may stop the writes of
 * other devices (reliability issue, High 1 and 2).
 */
@Tag("db")
class DeviceSuppliedValuesTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("status.flush-interval", "PT0.1S", "status.history-interval", "PT0S"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void longCommandFailureMessages_areCut_andTheDeviceLogKeepsBeingWrittenForEveryone() {
        String[] talker = server.registerDevice("long-message");
        String[] bystander = server.registerDevice("bystander");
        String longer = "s".repeat(600);
        String longest = "e".repeat(1100);
        String first;
        String second;
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(talker[0], talker[1]);
            first = sendCommand(talker[0]);
            fail(link, link.next("command"), longer);
            second = sendCommand(talker[0]);
            fail(link, link.next("command"), longest);
            Await.until("both FAILED", () -> state(first).equals("FAILED") && state(second).equals("FAILED"));
        }
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(bystander[0], bystander[1]);
            Await.until("the bystander's connect is in the device log", () -> hasEvent(bystander[0], "connected"));
        }
        JsonNode cut = command(second);
        assertThat(cut.get("error_message").asText()).hasSize(1024).endsWith(Text.ELLIPSIS).startsWith("eee");
        assertThat(command(first).get("error_message").asText()).isEqualTo(longer);
        Await.until("the failures are in the talker's log, cut to 512 characters", () -> StreamSupport.stream(
                events(talker[0]).spliterator(), false).filter(e -> e.get("type").asText().equals("command"))
                .filter(e -> e.get("reason").asText().length() == 512).count() == 2);
    }

    @Test
    void anOverLongBootId_isRefusedAtTheWire_andOtherDevicesStatusIsStillPersisted() {
        String[] talker = server.registerDevice("long-boot-id");
        String[] bystander = server.registerDevice("status-bystander");
        try (TestDevice bad = TestDevice.connect(server.port()); TestDevice good = TestDevice.connect(server.port())) {
            bad.authenticate(talker[0], talker[1]);
            good.authenticate(bystander[0], bystander[1]);
            String id = bad.send("status", "{\"mode\":\"snapshot\",\"state\":{\"boot_id\":\"" + "b".repeat(65) + "\"}}");
            JsonNode error = bad.next("error");
            assertThat(error.get("reply_to").asText()).isEqualTo(id);
            assertThat(error.at("/body/code").asText()).isEqualTo("INVALID_FIELD");
            assertThat(error.at("/body/message").asText()).contains("boot_id");
            bad.send("status", "{\"mode\":\"snapshot\",\"state\":{\"boot_id\":\"" + "b".repeat(64) + "\"}}");
            bad.next("status_ack");

            good.send("status", "{\"mode\":\"snapshot\",\"state\":{\"boot_id\":\"fine\",\"uptime_s\":5}}");
            good.next("status_ack");
        }
        JsonNode history = server.rest().get("/api/v1/devices/" + bystander[0] + "/status/history", ADMIN_TOKEN).data();
        assertThat(history.get("total_count").asLong()).as("stored in the database").isEqualTo(1);
        assertThat(history.at("/items/0/reported/uptime_s").asLong()).isEqualTo(5);
        JsonNode talkerHistory = server.rest().get("/api/v1/devices/" + talker[0] + "/status/history", ADMIN_TOKEN)
                .data();
        assertThat(talkerHistory.at("/items/0/reported/boot_id").asText()).hasSize(64);
    }

    private static void fail(TestDevice link, JsonNode command, String message) {
        String id = command.at("/body/command_id").asText();
        link.sendRaw("{\"type\":\"command_ack\",\"id\":\"a-" + id + "\",\"reply_to\":\"" + command.get("id").asText()
                + "\",\"body\":{\"command_id\":\"" + id + "\"}}");
        link.send("command_result", "{\"command_id\":\"" + id + "\",\"status\":\"failed\",\"code\":2,\"result\":{},"
                + "\"message\":\"" + message + "\"}");
    }

    private static String sendCommand(String device) {
        return server.rest().post("/api/v1/devices/" + device + "/commands", ADMIN_TOKEN, "{\"name\":\"get_config\"}")
                .data().get("id").asText();
    }

    private static JsonNode command(String id) {
        return server.rest().get("/api/v1/commands/" + id, ADMIN_TOKEN).data();
    }

    private static String state(String id) {
        return command(id).get("state").asText();
    }

    private static JsonNode events(String device) {
        return server.rest().get("/api/v1/devices/" + device + "/events?page_size=100", ADMIN_TOKEN).data()
                .get("items");
    }

    private static boolean hasEvent(String device, String type) {
        for (JsonNode event : events(device)) {
            if (event.get("type").asText().equals(type)) {
                return true;
            }
        }
        return false;
    }
}
