package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.proto.v1.DesiredState;
import dev.roost.proto.v1.GetDesiredStateRequest;
import dev.roost.proto.v1.StatusServiceGrpc;
import dev.roost.server.common.Json;
import dev.roost.server.support.Await;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** Desired state: versions, optimistic concurrency, push to online devices and on reconnect. */
@Tag("db")
class DesiredStateTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Reply patch(String device, String body) {
        return server.rest().patch("/api/v1/devices/" + device + "/desired", ADMIN_TOKEN, body);
    }

    @Test
    void update_isPushedAsAPatchToAnOnlineDevice_andAppliedIsRecorded() {
        String[] device = server.registerDevice("desired-online");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            Reply first = patch(device[0], "{\"patch\":{\"report_interval_s\":60,\"log_level\":\"info\"}}");
            assertThat(first.status()).as(first.raw()).isEqualTo(200);
            assertThat(first.data().get("version").asLong()).isEqualTo(1);
            JsonNode pushed = link.next("desired");
            assertThat(pushed.at("/body/mode").asText()).isEqualTo("patch");
            assertThat(pushed.at("/body/version").asLong()).isEqualTo(1);
            assertThat(pushed.at("/body/base_version").asLong()).isZero();
            assertThat(pushed.at("/body/state/log_level").asText()).isEqualTo("info");

            link.send("desired_applied", "{\"version\":1,\"applied\":{\"report_interval_s\":60,\"log_level\":\"info\"}}");
            Await.until("applied version recorded", () -> server.rest().get("/api/v1/devices/" + device[0]
                    + "/desired", ADMIN_TOKEN).data().get("applied_version").asLong() == 1);

            Reply second = patch(device[0], "{\"patch\":{\"log_level\":null},\"expected_version\":1}");
            assertThat(second.data().get("version").asLong()).isEqualTo(2);
            assertThat(second.data().get("desired").has("log_level")).isFalse();
            assertThat(link.next("desired").at("/body/base_version").asLong()).isEqualTo(1);
        }
    }

    @Test
    void whatTheDeviceCouldNotApply_isKept_andShownOverRestAndGrpc_untilItsNextReport() throws Exception {
        String[] device = server.registerDevice("desired-errors");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            patch(device[0], "{\"patch\":{\"fan_speed\":9000,\"log_level\":\"debug\"}}");
            link.next("desired");

            link.send("desired_applied", "{\"version\":1,\"applied\":{\"log_level\":\"debug\"},"
                    + "\"errors\":{\"fan_speed\":\"out of range\"}}");
            Await.until("applied version recorded", () -> desired(device[0]).get("applied_version").asLong() == 1);
            JsonNode rest = desired(device[0]);
            assertThat(rest.at("/errors/fan_speed").asText()).isEqualTo("out of range");
            assertThat(rest.at("/applied/log_level").asText()).isEqualTo("debug");
            DesiredState grpc = StatusServiceGrpc.newBlockingStub(server.channel())
                    .withCallCredentials(TestServer.bearer(ADMIN_TOKEN))
                    .getDesiredState(GetDesiredStateRequest.newBuilder().setDeviceId(device[0]).build());
            assertThat(Json.newMapper().readTree(grpc.getErrorsJson()).path("fan_speed").asText())
                    .contains("out of range");

            patch(device[0], "{\"patch\":{\"fan_speed\":1200},\"expected_version\":1}");
            link.next("desired");
            link.send("desired_applied", "{\"version\":2,\"applied\":{\"fan_speed\":1200,\"log_level\":\"debug\"}}");
            Await.until("version 2 applied", () -> desired(device[0]).get("applied_version").asLong() == 2);
            assertThat(desired(device[0]).get("errors").isEmpty()).as("no errors reported for version 2").isTrue();
        }
    }

    private static JsonNode desired(String device) {
        return server.rest().get("/api/v1/devices/" + device + "/desired", ADMIN_TOKEN).data();
    }

    @Test
    void staleExpectedVersion_isAConflict_andChangesNothing() {
        String[] device = server.registerDevice("desired-conflict");
        patch(device[0], "{\"patch\":{\"a\":1}}");
        Reply conflict = patch(device[0], "{\"patch\":{\"a\":2},\"expected_version\":5}");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.type()).isEqualTo("FAILED_PRECONDITION");
        JsonNode stored = server.rest().get("/api/v1/devices/" + device[0] + "/desired", ADMIN_TOKEN).data();
        assertThat(stored.get("version").asLong()).isEqualTo(1);
        assertThat(stored.at("/desired/a").asInt()).isEqualTo(1);
        Reply notObject = patch(device[0], "{\"patch\":[1]}");
        assertThat(notObject.status()).isEqualTo(400);
        assertThat(notObject.message()).startsWith("patch:");
    }

    @Test
    void deviceBehind_getsTheFullDocumentOnReconnect() {
        String[] device = server.registerDevice("desired-offline");
        patch(device[0], "{\"patch\":{\"mode\":\"eco\"}}");
        patch(device[0], "{\"patch\":{\"fan\":3}}");
        try (TestDevice link = TestDevice.connect(server.port())) {
            JsonNode ok = link.authenticate(device[0], device[1]);
            assertThat(ok.get("desired_version").asLong()).isEqualTo(2);
            JsonNode full = link.next("desired");
            assertThat(full.at("/body/mode").asText()).isEqualTo("full");
            assertThat(full.at("/body/version").asLong()).isEqualTo(2);
            assertThat(full.at("/body/state/mode").asText()).isEqualTo("eco");
            assertThat(full.at("/body/state/fan").asInt()).isEqualTo(3);
            link.send("desired_applied", "{\"version\":2}");
            Await.until("applied", () -> server.rest().get("/api/v1/devices/" + device[0] + "/desired", ADMIN_TOKEN)
                    .data().get("applied_version").asLong() == 2);
        }
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            link.send("ping", "{}");
            link.next("pong");
            // A desired push would have been sent right after auth_ok, so before the pong.
            assertThat(link.skippedTypes()).doesNotContain("desired");
        }
    }
}
