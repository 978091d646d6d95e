package dev.roost.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.cli.CliRunner.Result;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code roost command ...} against a real server, with a scripted device on the other side. */
class CommandCommandTest {
    private static TestServer server;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("commands.sweep-interval", "PT0.1S"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private CliRunner cli() {
        return CliRunner.against(home, server.port(), ADMIN_TOKEN);
    }

    @Test
    void sendWait_returnsTheDevicesResult_exit0() {
        String[] device = server.registerDevice("cli-cmd");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            CompletableFuture<Result> sending = CompletableFuture.supplyAsync(() -> cli().run("command", "send",
                    device[0], "exec", "--params", "{\"script\":\"uptime\"}", "--wait", "--timeout", "20s",
                    "-o", "json"));

            JsonNode command = link.next("command");
            assertThat(command.at("/body/name").asText()).isEqualTo("exec");
            assertThat(command.at("/body/params/script").asText()).isEqualTo("uptime");
            link.answer(command, "succeeded", "{\"exit_code\":0,\"stdout\":\"up 3 days\"}");

            Result result = sending.join();
            assertThat(result.exitCode()).as(result.toString()).isZero();
            JsonNode json = result.json();
            assertThat(json.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(json.at("/result/stdout").asText()).isEqualTo("up 3 days");
            assertThat(json.at("/params/script").asText()).isEqualTo("uptime");
            assertThat(json.get("device_status_code").asInt()).isZero();
        }
    }

    @Test
    void sendWait_onAFailedCommand_exits1() {
        String[] device = server.registerDevice("cli-cmd-fail");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            CompletableFuture<Result> sending = CompletableFuture.supplyAsync(() ->
                    cli().run("command", "send", device[0], "get_config", "--wait"));
            link.answer(link.next("command"), "failed", "{\"error\":\"denied\"}");

            Result result = sending.join();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(result.out()).contains("state:").contains("FAILED").contains("denied");
            assertThat(result.err()).contains("FAILED");
        }
    }

    @Test
    void sendWait_whenTheDeviceIsSilent_exits4_afterTheTimeout() {
        String[] device = server.registerDevice("cli-cmd-silent");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);

            Result result = cli().run("command", "send", device[0], "exec", "--wait", "--timeout", "1s", "-o", "json");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(result.json().get("state").asText()).isIn("SENT", "ACKED");
            assertThat(result.err()).contains("still").contains("roost command get");
            assertThat(link.next("command").at("/body/name").asText()).isEqualTo("exec");
        }
    }

    @Test
    void sendToAnOfflineDevice_isQueued_thenGetListAndCancel() {
        String device = server.registerDevice("cli-cmd-offline")[0];

        Result sent = cli().run("command", "send", device, "reboot", "--idempotency-key", "k-1");
        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        assertThat(sent.out()).startsWith("sent command ").contains("QUEUED");
        String id = sent.out().split(" ")[2];

        Result again = cli().run("command", "send", device, "reboot", "--idempotency-key", "k-1", "-o", "json");
        assertThat(again.json().get("id").asText()).isEqualTo(id);

        Result got = cli().run("command", "get", id, "-o", "json");
        assertThat(got.json().get("state").asText()).isEqualTo("QUEUED");
        assertThat(got.json().get("idempotency_key").asText()).isEqualTo("k-1");

        Result listed = cli().run("command", "list", "--device", device, "--state", "queued");
        assertThat(listed.lines().getFirst()).contains("ID").contains("DEVICE").contains("STATE");
        assertThat(listed.out()).contains(id).contains("reboot");

        Result cancelled = cli().run("command", "cancel", id, "--reason", "wrong device");
        assertThat(cancelled.exitCode()).isZero();
        assertThat(cancelled.out()).contains("command " + id + " is CANCELLED");

        Result waited = cli().run("command", "get", id, "--wait");
        assertThat(waited.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(waited.out()).contains("CANCELLED");
    }

    @Test
    void getWait_returnsOnceTheDeviceAnswers() {
        String[] device = server.registerDevice("cli-cmd-getwait");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            String id = cli().run("command", "send", device[0], "get_config", "-o", "json").json().get("id").asText();
            CompletableFuture<Result> waiting = CompletableFuture.supplyAsync(() ->
                    cli().run("command", "get", id, "--wait", "-o", "json"));
            link.answer(link.next("command"), "succeeded", "{\"ok\":true}");

            Result result = waiting.join();
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.json().at("/result/ok").asBoolean()).isTrue();
        }
    }

    @Test
    void sendToGroup_createsOneCommandPerMember() {
        String group = cli().run("group", "create", "fleet-" + System.nanoTime(), "-o", "json").json().get("id").asText();
        String first = server.registerDevice("g1")[0];
        String second = server.registerDevice("g2")[0];
        assertThat(cli().run("group", "add", group, first, second).exitCode()).isZero();

        Result sent = cli().run("command", "send-to-group", group, "upload_log", "--params", "{\"lines\":100}",
                "--deliver-within", "1h", "-o", "json");

        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        JsonNode groupCommand = sent.json();
        assertThat(groupCommand.get("total").asLong()).isEqualTo(2);
        assertThat(groupCommand.at("/counts_by_state/QUEUED").asLong()).isEqualTo(2);
        String id = groupCommand.get("id").asText();

        Result progress = cli().run("command", "get-group", id);
        assertThat(progress.out()).contains("total:").contains("QUEUED=2");

        Result members = cli().run("command", "list", "--group-command", id, "-o", "json");
        assertThat(members.json().get("items")).extracting(c -> c.get("device_id").asText())
                .containsExactlyInAnyOrder(first, second);
    }
}
