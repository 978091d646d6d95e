package dev.roost.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.cli.CliRunner.Result;
import dev.roost.server.support.Await;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code roost status ...} and {@code roost desired ...} against a real server and a reporting device. */
class StatusCommandTest {
    private static final String SNAPSHOT = "{\"mode\":\"snapshot\",\"state\":{\"cpu\":{\"usage_pct\":10.5},"
            + "\"uptime_s\":60,\"boot_id\":\"boot-a\"}}";

    private static TestServer server;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("status.flush-interval", "PT0.1S", "status.history-interval", "PT0.001S"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private CliRunner cli() {
        return CliRunner.against(home, server.port(), ADMIN_TOKEN);
    }

    @Test
    void statusGetAndHistory_showWhatTheDeviceReported() {
        String[] device = server.registerDevice("cli-status");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            link.send("status", SNAPSHOT);
            long first = link.next("status_ack").at("/body/version").asLong();
            link.send("status", "{\"mode\":\"diff\",\"base_version\":" + first + ",\"state\":{\"uptime_s\":120}}");
            long second = link.next("status_ack").at("/body/version").asLong();

            Result json = cli().run("status", "get", device[0], "-o", "json");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            JsonNode status = json.json();
            assertThat(status.get("online").asBoolean()).isTrue();
            assertThat(status.get("reported_version").asLong()).isEqualTo(second);
            assertThat(status.at("/reported/cpu/usage_pct").asDouble()).isEqualTo(10.5);
            assertThat(status.at("/reported/uptime_s").asLong()).isEqualTo(120);

            Result table = cli().run("status", "get", device[0]);
            assertThat(table.out()).contains("online:").contains("true").contains("boot-a");

            Await.until("two history entries", () -> cli().run("status", "history", device[0], "-o", "json")
                    .json().get("items").size() >= 2);
            Result history = cli().run("status", "history", device[0], "--since", "1h");
            assertThat(history.exitCode()).isZero();
            assertThat(history.lines().getFirst()).contains("VERSION").contains("REPORTED");
        }
    }

    @Test
    void statusGet_showsTheLastSeenTimeThatDeviceGetShows() {
        String[] device = server.registerDevice("cli-last-seen");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            link.send("status", SNAPSHOT);
            link.next("status_ack");
            Await.until("the connect is stored", () -> !cli().run("device", "get", device[0], "-o", "json").json()
                    .get("last_seen_at").isNull());
            String seen = cli().run("device", "get", device[0], "-o", "json").json().get("last_seen_at").asText();

            Result json = cli().run("status", "get", device[0], "-o", "json");
            assertThat(json.json().get("last_seen_at").asText()).isEqualTo(seen);
            Result table = cli().run("status", "get", device[0]);
            assertThat(table.lines()).anySatisfy(line -> assertThat(line).matches("last_seen_at: +" + seen));
        }
    }

    @Test
    void desiredGet_showsWhatTheDeviceCouldNotApply() {
        String[] device = server.registerDevice("cli-desired-errors");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            assertThat(cli().run("desired", "set", device[0], "{\"fan_speed\":9000}").exitCode()).isZero();
            link.next("desired");
            link.send("desired_applied", "{\"version\":1,\"applied\":{},\"errors\":{\"fan_speed\":\"out of range\"}}");
            Await.until("the report is stored", () -> cli().run("desired", "get", device[0], "-o", "json").json()
                    .get("applied_version").asLong() == 1);

            JsonNode json = cli().run("desired", "get", device[0], "-o", "json").json();
            assertThat(json.at("/errors/fan_speed").asText()).isEqualTo("out of range");
            Result table = cli().run("desired", "get", device[0]);
            assertThat(table.lines()).anySatisfy(line -> assertThat(line).matches("errors: +fan_speed=out of range"));
        }
    }

    @Test
    void statusOfAnUnknownDevice_exits3() {
        Result result = cli().run("status", "get", "4242");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.err()).contains("(NOT_FOUND)");
    }

    @Test
    void desiredSetAndGet_mergeThePatch_andCheckTheExpectedVersion() {
        String device = server.registerDevice("cli-desired")[0];

        Result first = cli().run("desired", "set", device, "{\"telemetry\":{\"interval_s\":30},\"led\":\"on\"}",
                "-o", "json");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        long version = first.json().get("version").asLong();

        Result second = cli().run("desired", "set", device, "{\"led\":null}", "--expected-version",
                String.valueOf(version), "-o", "json");
        assertThat(second.exitCode()).as(second.toString()).isZero();

        Result got = cli().run("desired", "get", device, "-o", "yaml");
        JsonNode desired = got.yaml();
        assertThat(desired.get("version").asLong()).isEqualTo(version + 1);
        assertThat(desired.at("/desired/telemetry/interval_s").asInt()).isEqualTo(30);
        assertThat(desired.get("desired").has("led")).isFalse();

        Result stale = cli().run("desired", "set", device, "{\"led\":\"off\"}", "--expected-version",
                String.valueOf(version));
        assertThat(stale.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(stale.err()).contains("(FAILED_PRECONDITION)");
    }
}
