package dev.roost.server.northbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What docs/api.md says about {@code DELETE /api/v1/devices/{id}} and {@code timeout_ms}, read from
 * the document and checked against the server, so that neither can change without the other.
 */
class ApiDocumentationTest {
    private static final Path API_MD = Path.of("../docs/api.md");

    private static TestServer server;
    private static String doc;

    @BeforeAll
    static void start() throws IOException {
        doc = Files.readString(API_MD);
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The cells of the table row whose first cell is {@code firstCell}. */
    private static List<String> row(String firstCell) {
        for (String line : doc.lines().toList()) {
            if (line.startsWith("| " + firstCell + " |")) {
                return List.of(line.substring(2, line.length() - 2).split(" \\| "));
            }
        }
        throw new AssertionError("docs/api.md has no table row starting with " + firstCell);
    }

    private static String unquoted(String cell) {
        return cell.replaceAll("^`|`$", "");
    }

    @Test
    void deleteOfADevice_isTheDocumentedDecommission_answering200WithTheDevice_andIsIdempotent() {
        assertThat(row("`POST /api/v1/devices/{id}/decommission`, `DELETE /api/v1/devices/{id}`"))
                .containsExactly("`POST /api/v1/devices/{id}/decommission`, `DELETE /api/v1/devices/{id}`",
                        "`DeviceService/DecommissionDevice`", "operator");
        assertThat(doc.replaceAll("\\s+", " ")).contains("`DELETE /api/v1/devices/{id}` — a decommission, the device "
                + "stays in the registry — answers 200 with the decommissioned device")
                .contains("Decommissioning is idempotent");
        String id = server.registerDevice("documented-delete")[0];

        Reply first = server.rest().delete("/api/v1/devices/" + id, ADMIN_TOKEN);
        Reply again = server.rest().delete("/api/v1/devices/" + id, ADMIN_TOKEN);

        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        assertThat(first.data().get("id").asText()).isEqualTo(id);
        assertThat(first.data().get("state").asText()).isEqualTo("DECOMMISSIONED");
        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        assertThat(again.data().get("state").asText()).isEqualTo("DECOMMISSIONED");
        Reply stays = server.rest().get("/api/v1/devices/" + id, ADMIN_TOKEN);
        assertThat(stays.status()).as("the device stays in the registry").isEqualTo(200);
    }

    @Test
    void timeoutMs_hasTheDocumentedRange_default_andRefusal() {
        List<String> sending = row("`timeout_ms`");
        assertThat(sending.get(1)).isEqualTo("`roost.commands.default-timeout` (30 s)");
        Matcher range = Pattern.compile("^(\\d+)\\.\\.(\\d+); 0 means the default;").matcher(sending.get(2));
        assertThat(range.find()).as(sending.get(2)).isTrue();
        long max = Long.parseLong(range.group(2));
        List<String> refusal = row("`\"timeout_ms\":" + (max + 1) + "`");
        assertThat(doc).contains("`timeout_ms` (the run timeout in milliseconds, as sent: `30000`)");
        String id = server.registerDevice("documented-timeout")[0];

        JsonNode byDefault = send(id, "{\"name\":\"exec\",\"timeout_ms\":0}").data();
        JsonNode longest = send(id, "{\"name\":\"exec\",\"timeout_ms\":" + max + "}").data();
        JsonNode shortest = send(id, "{\"name\":\"exec\",\"timeout_ms\":" + range.group(1) + "}").data();
        Reply tooLong = send(id, "{\"name\":\"exec\",\"timeout_ms\":" + (max + 1) + "}");

        assertThat(byDefault.get("timeout_ms").asLong()).isEqualTo(30_000);
        assertThat(longest.get("timeout_ms").asLong()).isEqualTo(max);
        assertThat(shortest.get("timeout_ms").asLong()).isEqualTo(Long.parseLong(range.group(1)));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.message()).isEqualTo(unquoted(refusal.get(1)));
    }

    private static Reply send(String device, String body) {
        Reply reply = server.rest().post("/api/v1/devices/" + device + "/commands", ADMIN_TOKEN, body);
        assertThat(reply.status()).as(reply.raw()).isIn(201, 400);
        return reply;
    }
}
