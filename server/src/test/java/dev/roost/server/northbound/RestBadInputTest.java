package dev.roost.server.northbound;

import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** Input at the edges of what the parsers accept is refused with 400 and the envelope, never a 500. */
class RestBadInputTest {
    /** Instant.MAX: parses as an ISO-8601 instant, but is no epoch millisecond. */
    private static final String FAR_FUTURE = "+999999999-12-31T23:59:59Z";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertInvalid(Reply reply, String messageStart) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
        assertThat(reply.body().get("status").asText()).isEqualTo("fail");
        assertThat(reply.type()).isEqualTo("INVALID_ARGUMENT");
        assertThat(reply.message()).startsWith(messageStart);
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void jsonNestedDeeperThanTheLimit_inAnUnmappedField_is400() {
        Reply reply = server.rest().post("/api/v1/groups", ADMIN_TOKEN,
                "{\"name\":\"deep\",\"extra\":" + nested(1_001) + "}");

        assertInvalid(reply,
                "body: exceeds a JSON limit: Document nesting depth (1001) exceeds the maximum allowed (1000)");
    }

    @Test
    void jsonNestedDeeperThanTheLimit_inAnObjectField_is400() {
        String device = server.registerDevice("deep-params")[0];

        Reply reply = server.rest().post("/api/v1/devices/" + device + "/commands", ADMIN_TOKEN,
                "{\"name\":\"exec\",\"params\":{\"x\":" + nested(1_001) + "}}");

        assertInvalid(reply, "params: exceeds a JSON limit: Document nesting depth (1001)");
    }

    @Test
    void timestampOutOfRange_inQuery_is400() {
        String device = server.registerDevice("far-future")[0];

        assertInvalid(server.rest().get("/api/v1/events?until=%2B999999999-12-31T23:59:59Z", ADMIN_TOKEN), "until: ");
        assertInvalid(server.rest().get("/api/v1/events?since=-999999999-01-01T00:00:00Z", ADMIN_TOKEN), "since: ");
        assertInvalid(server.rest().get("/api/v1/devices/" + device
                + "/status/history?until=%2B999999999-12-31T23:59:59Z", ADMIN_TOKEN), "until: ");
    }

    @Test
    void timestampOutOfRange_inBody_is400() {
        String device = server.registerDevice("far-deadline")[0];

        Reply reply = server.rest().post("/api/v1/devices/" + device + "/commands", ADMIN_TOKEN,
                "{\"name\":\"exec\",\"delivery_deadline\":\"" + FAR_FUTURE + "\"}");

        assertInvalid(reply, "delivery_deadline: ");
    }
}
