package dev.roost.server.northbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

@Tag("db")
class DeviceRestApiTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String deviceJson(String name, String serial, String model, String extra) {
        return """
                {"name":"%s","type":"gateway","hardware":{"serial":"%s","model":"%s"},
                 "software_version":"1.2.3","network_interfaces":[{"type":"ethernet","mac":"00:1A:2b:3c:4d:5e","ipv4":"192.168.1.20"}],
                 "description":"test device","labels":{"site":"lab"}%s}""".formatted(name, serial, model, extra);
    }

    private static JsonNode register(String name, String serial, String model, String extra) {
        Reply reply = server.rest().post("/api/v1/devices", ADMIN_TOKEN, deviceJson(name, serial, model, extra));
        assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
        return reply.data();
    }

    private static long countDevices(String label) {
        return server.rest().get("/api/v1/devices?label=" + label, ADMIN_TOKEN).data().get("total_count").asLong();
    }

    @Test
    void register_assignsIdAndReturnsTheSecretOnce() {
        String serial = "SN-" + unique();
        JsonNode data = register("gw-1", serial, "RX-100", "");
        JsonNode device = data.get("device");
        assertThat(device.get("id").asText()).matches("\\d{15,19}");
        assertThat(device.get("state").asText()).isEqualTo("REGISTERED");
        assertThat(device.at("/network_interfaces/0/mac").asText()).isEqualTo("00:1a:2b:3c:4d:5e");
        assertThat(data.get("secret").asText()).hasSizeGreaterThanOrEqualTo(32);

        Reply fetched = server.rest().get("/api/v1/devices/" + device.get("id").asText(), ADMIN_TOKEN);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.data().get("name").asText()).isEqualTo("gw-1");
        assertThat(fetched.data().get("created_at")).isEqualTo(device.get("created_at"));
        assertThat(fetched.raw()).doesNotContain(data.get("secret").asText()).doesNotContain("secret");
    }

    @Test
    void getByHardware_findsTheDevice() {
        String serial = "SN-" + unique();
        String id = register("hw", serial, "RX-200", "").at("/device/id").asText();
        Reply reply = server.rest().get("/api/v1/devices/by-hardware?serial=" + serial + "&model=RX-200", ADMIN_TOKEN);
        assertThat(reply.data().get("id").asText()).isEqualTo(id);
        assertThat(server.rest().get("/api/v1/devices/by-hardware?serial=nope&model=RX-200", ADMIN_TOKEN).status())
                .isEqualTo(404);
    }

    @Test
    void duplicateSerialAndModel_isConflictAndWritesNothing() {
        String serial = "SN-" + unique();
        register("first", serial, "RX-300", "");
        long before = countDevices("site=lab");
        Reply reply = server.rest().post("/api/v1/devices", ADMIN_TOKEN, deviceJson("second", serial, "RX-300", ""));
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.body().get("status").asText()).isEqualTo("fail");
        assertThat(reply.type()).isEqualTo("ALREADY_EXISTS");
        assertThat(countDevices("site=lab")).isEqualTo(before);
    }

    @Test
    void list_filtersByLabelNamePrefixAndState_withCursorPages() {
        String batch = "b" + unique();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            ids.add(register("node-" + batch + "-" + i, "SN-" + unique(), "LIST-1", "")
                    .at("/device/id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            Reply page = server.rest().get("/api/v1/devices?name_prefix=node-" + batch + "&page_size=3"
                    + (cursor.isEmpty() ? "" : "&cursor=" + cursor), ADMIN_TOKEN);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.data().get("total_count").asLong()).isEqualTo(7);
            page.data().get("items").forEach(d -> seen.add(d.get("id").asText()));
            cursor = page.data().path("next_cursor").asText("");
            if (page.data().get("next_cursor").isNull()) {
                cursor = "";
            }
            pages++;
        } while (!cursor.isEmpty());
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids).doesNotHaveDuplicates();
        assertThat(seen).isSorted();

        Reply byState = server.rest().get("/api/v1/devices?name_prefix=node-" + batch + "&state=disabled", ADMIN_TOKEN);
        assertThat(byState.data().get("total_count").asLong()).isZero();
        Reply byLabel = server.rest().get("/api/v1/devices?name_prefix=node-" + batch + "&label=site=lab"
                + "&model_prefix=LIST", ADMIN_TOKEN);
        assertThat(byLabel.data().get("total_count").asLong()).isEqualTo(7);
    }

    @Test
    void namePrefix_treatsWildcardsLiterally() {
        register("pct%" + unique(), "SN-" + unique(), "W-1", "");
        Reply reply = server.rest().get("/api/v1/devices?name_prefix=pct%25", ADMIN_TOKEN);
        assertThat(reply.data().get("total_count").asLong()).isGreaterThanOrEqualTo(1);
        Reply none = server.rest().get("/api/v1/devices?name_prefix=pc_%25", ADMIN_TOKEN);
        assertThat(none.data().get("total_count").asLong()).isZero();
    }

    @Test
    void update_replacesOnlyTheGivenFields() {
        String id = register("before", "SN-" + unique(), "UPD-1", "").at("/device/id").asText();
        Reply reply = server.rest().patch("/api/v1/devices/" + id, ADMIN_TOKEN,
                "{\"name\":\"after\",\"labels\":{\"env\":\"prod\"}}");
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        JsonNode device = server.rest().get("/api/v1/devices/" + id, ADMIN_TOKEN).data();
        assertThat(device.get("name").asText()).isEqualTo("after");
        assertThat(device.get("description").asText()).isEqualTo("test device");
        assertThat(device.get("labels").toString()).isEqualTo("{\"env\":\"prod\"}");
        assertThat(server.rest().get("/api/v1/devices?label=env=prod&name_prefix=after", ADMIN_TOKEN)
                .data().get("total_count").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void lifecycle_disableEnableDecommission_areEventsInTheDeviceLog() {
        String id = register("life", "SN-" + unique(), "LC-1", "").at("/device/id").asText();
        assertThat(server.rest().post("/api/v1/devices/" + id + "/disable", ADMIN_TOKEN, "{\"reason\":\"stolen\"}")
                .data().get("state").asText()).isEqualTo("DISABLED");
        assertThat(server.rest().post("/api/v1/devices/" + id + "/disable", ADMIN_TOKEN, "{}")
                .data().get("state").asText()).isEqualTo("DISABLED");
        assertThat(server.rest().post("/api/v1/devices/" + id + "/enable", ADMIN_TOKEN, "{}")
                .data().get("state").asText()).isEqualTo("REGISTERED");
        assertThat(server.rest().delete("/api/v1/devices/" + id, ADMIN_TOKEN).data().get("state").asText())
                .isEqualTo("DECOMMISSIONED");
        assertThat(server.rest().delete("/api/v1/devices/" + id, ADMIN_TOKEN).status()).isEqualTo(200);

        Reply enable = server.rest().post("/api/v1/devices/" + id + "/enable", ADMIN_TOKEN, "{}");
        assertThat(enable.status()).isEqualTo(409);
        assertThat(enable.type()).isEqualTo("FAILED_PRECONDITION");

        JsonNode events = server.rest().get("/api/v1/devices/" + id + "/events", ADMIN_TOKEN).data().get("items");
        List<String> transitions = new ArrayList<>();
        events.forEach(e -> transitions.add(e.get("from").asText() + ">" + e.get("to").asText()));
        assertThat(transitions).containsExactly("REGISTERED>DECOMMISSIONED", "DISABLED>REGISTERED",
                "REGISTERED>DISABLED", "REGISTERED>REGISTERED");
        assertThat(events.get(2).get("reason").asText()).isEqualTo("stolen");
        assertThat(events.get(2).get("actor").asText()).startsWith("token:");
    }

    @Test
    void rotateSecret_returnsANewSecret() {
        JsonNode registered = register("rot", "SN-" + unique(), "ROT-1", "");
        String id = registered.at("/device/id").asText();
        Reply reply = server.rest().post("/api/v1/devices/" + id + "/rotate-secret", ADMIN_TOKEN, "{}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("secret").asText()).isNotEqualTo(registered.get("secret").asText());
        Reply given = server.rest().post("/api/v1/devices/" + id + "/rotate-secret", ADMIN_TOKEN,
                "{\"secret\":\"my-own-secret-1234\"}");
        assertThat(given.data().get("secret").asText()).isEqualTo("my-own-secret-1234");
    }

    @Test
    void badInput_getsPreciseErrorsAndWritesNothing() {
        String model = "BAD-" + unique();
        assertError(server.rest().post("/api/v1/devices", ADMIN_TOKEN, "{\"name\":"), 400, "INVALID_ARGUMENT",
                "body: malformed JSON");
        assertError(server.rest().post("/api/v1/devices", ADMIN_TOKEN,
                deviceJson("x", "s", model, ",\"colour\":\"red\"")), 400, "INVALID_ARGUMENT", "colour: unknown field");
        assertError(server.rest().post("/api/v1/devices", ADMIN_TOKEN,
                "{\"name\":5,\"hardware\":{\"serial\":\"s\",\"model\":\"" + model + "\"}}"), 400, "INVALID_ARGUMENT",
                "name: must be a string");
        assertError(server.rest().post("/api/v1/devices", ADMIN_TOKEN,
                "{\"name\":\"x\",\"hardware\":{\"serial\":[1],\"model\":\"" + model + "\"}}"), 400,
                "INVALID_ARGUMENT", "hardware.serial: must be a string");
        assertError(server.rest().post("/api/v1/devices", ADMIN_TOKEN, "{\"name\":\"x\"}"), 400,
                "INVALID_ARGUMENT", "hardware: is required");
        assertError(server.rest().post("/api/v1/devices", ADMIN_TOKEN,
                "{\"hardware\":{\"serial\":\"s\",\"model\":\"" + model + "\"}}"), 400, "INVALID_ARGUMENT",
                "name: is required");
        assertError(server.rest().post("/api/v1/devices", ADMIN_TOKEN, deviceJson("x", "s", model, "")
                .replace("192.168.1.20", "192.168.1.300")), 400, "INVALID_ARGUMENT",
                "network_interfaces[0].ipv4: must be a dotted IPv4 address");
        assertError(server.rest().post("/api/v1/devices", ADMIN_TOKEN, deviceJson("x", "s", model, "")
                .replace("00:1A:2b:3c:4d:5e", "zz")), 400, "INVALID_ARGUMENT", "network_interfaces[0].mac:");
        assertError(server.rest().post("/api/v1/devices", ADMIN_TOKEN, deviceJson("x", "s", model,
                ",\"secret\":\"short\"")), 400, "INVALID_ARGUMENT", "secret: must be 12..72 characters");
        assertError(server.rest().send(server.rest().request("/api/v1/devices", ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(deviceJson("x", "s", model, "")))), 415,
                "UNSUPPORTED_MEDIA_TYPE", "Content-Type: application/json is required");
        assertError(server.rest().post("/api/v1/devices", ADMIN_TOKEN, deviceJson("x", "s", model,
                ",\"description\":\"" + "d".repeat(2 << 20) + "\"").replace(",\"description\":\"test device\"", "")),
                413, "PAYLOAD_TOO_LARGE", "request body exceeds");
        assertError(server.rest().get("/api/v1/devices/abc", ADMIN_TOKEN), 400, "INVALID_ARGUMENT",
                "id: must be a decimal id");
        assertError(server.rest().get("/api/v1/devices/123", ADMIN_TOKEN), 404, "NOT_FOUND", "device 123 not found");
        assertError(server.rest().get("/api/v1/devices?state=flying", ADMIN_TOKEN), 400, "INVALID_ARGUMENT",
                "state: unknown state 'flying'");
        assertError(server.rest().get("/api/v1/devices?cursor=zzz", ADMIN_TOKEN), 400, "INVALID_ARGUMENT", "cursor:");
        assertError(server.rest().get("/api/v1/no-such-thing", ADMIN_TOKEN), 404, "NOT_FOUND", "no such resource");
        assertThat(server.rest().get("/api/v1/devices?model_prefix=" + model, ADMIN_TOKEN).data()
                .get("total_count").asLong()).isZero();
    }

    static void assertError(Reply reply, int status, String type, String messageStart) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
        assertThat(reply.body().get("status").asText()).isEqualTo("fail");
        assertThat(reply.type()).isEqualTo(type);
        assertThat(reply.message()).startsWith(messageStart);
    }
}
