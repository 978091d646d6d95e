package dev.roost.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.edge.config.AgentConfig;
import dev.roost.edge.sim.SyntheticStatusSource;
import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;
import dev.roost.edge.status.BootId;
import dev.roost.edge.support.AgentFixture;
import dev.roost.edge.support.CountingMetrics;
import dev.roost.server.support.Await;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** The real agent against the real server in one JVM: register, connect, report, commands, desired state. */
class AgentEndToEndTest {
    private static TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(Map.of("commands.sweep-interval", "PT0.1S", "status.flush-interval", "PT0.1S"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private EdgeAgent agent(String[] device, Map<String, String> extra, CommandHandler... handlers) {
        AgentConfig config = AgentFixture.config(dir, server.port(), device[0], device[1], extra);
        BootId bootId = new BootId("boot-1");
        EdgeAgent.Builder builder = EdgeAgent.builder(config)
                .systemStatus(new SyntheticStatusSource(1, bootId, "sim"), bootId)
                .metrics(new CountingMetrics());
        for (CommandHandler handler : handlers) {
            builder.handler(handler);
        }
        return builder.build().start();
    }

    private static JsonNode status(String device) {
        return server.rest().get("/api/v1/devices/" + device + "/status", ADMIN_TOKEN).data();
    }

    private static String send(String device, String body) {
        Reply reply = server.rest().post("/api/v1/devices/" + device + "/commands", ADMIN_TOKEN, body);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
        return reply.data().get("id").asText();
    }

    private static JsonNode awaitFinal(String commandId) {
        JsonNode[] command = new JsonNode[1];
        Await.until("command " + commandId + " final", Duration.ofSeconds(15), () -> {
            command[0] = server.rest().get("/api/v1/commands/" + commandId, ADMIN_TOKEN).data();
            String state = command[0].get("state").asText();
            return !state.equals("QUEUED") && !state.equals("SENT") && !state.equals("ACKED")
                    && !state.equals("RUNNING");
        });
        return command[0];
    }

    @Test
    void registeredAgent_connects_andReportsSnapshotThenDiffs() {
        String[] device = server.registerDevice("e2e-report");
        try (EdgeAgent agent = agent(device, Map.of())) {
            Await.until("device online with a report", () -> status(device[0]).path("online").asBoolean()
                    && status(device[0]).path("reported_version").asLong() >= 1);
            long first = status(device[0]).path("reported_version").asLong();
            Await.until("diffs raise the reported version",
                    () -> status(device[0]).path("reported_version").asLong() > first);
            JsonNode reported = status(device[0]).get("reported");
            assertThat(reported.get("boot_id").asText()).isEqualTo("boot-1");
            assertThat(reported.at("/memory/total_bytes").asLong()).isPositive();
            assertThat(reported.get("desired_applied_version").asLong()).isZero();
            assertThat(agent.isLive()).isTrue();
        }
    }

    @Test
    void commands_runAndReportResults_execGetConfigCustomAndFailures(@TempDir Path scripts) throws Exception {
        Path hello = scripts.resolve("hello.sh");
        Files.writeString(hello, "#!/bin/sh\necho \"hello $1\"\n");
        Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwx------"));
        String[] device = server.registerDevice("e2e-commands");
        CommandHandler custom = new CommandHandler() {
            @Override
            public String name() {
                return "blink";
            }

            @Override
            public CommandOutcome handle(CommandRequest request) {
                return CommandOutcome.succeeded(request.params(), "blinked");
            }
        };
        CommandHandler broken = new CommandHandler() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public CommandOutcome handle(CommandRequest request) {
                throw new IllegalStateException("sensor missing");
            }
        };
        try (EdgeAgent agent = agent(device, Map.of("scripts.hello", hello.toString()), custom, broken)) {
            Await.until("online", agent::isLive);
            JsonNode exec = awaitFinal(send(device[0],
                    "{\"name\":\"exec\",\"params\":{\"script\":\"hello\",\"args\":[\"roost\"]},\"timeout_ms\":10000}"));
            assertThat(exec.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(exec.at("/result/stdout").asText()).isEqualTo("hello roost\n");
            assertThat(exec.get("error_message").asText()).as("a success carries no error").isEmpty();

            JsonNode uptime = awaitFinal(send(device[0],
                    "{\"name\":\"exec\",\"params\":{\"script\":\"uptime\"},\"timeout_ms\":10000}"));
            assertThat(uptime.get("state").asText()).as("the README's exec, unconfigured").isEqualTo("SUCCEEDED");

            JsonNode config = awaitFinal(send(device[0], "{\"name\":\"get_config\",\"timeout_ms\":10000}"));
            assertThat(config.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(config.at("/result/secret").asText()).isEqualTo("***");
            assertThat(config.toString()).doesNotContain(device[1]);

            JsonNode blink = awaitFinal(send(device[0], "{\"name\":\"blink\",\"params\":{\"times\":3},\"timeout_ms\":10000}"));
            assertThat(blink.at("/result/times").asInt()).isEqualTo(3);

            JsonNode failed = awaitFinal(send(device[0], "{\"name\":\"broken\",\"timeout_ms\":10000}"));
            assertThat(failed.get("state").asText()).isEqualTo("FAILED");
            assertThat(failed.get("error_message").asText()).contains("sensor missing");

            JsonNode notAllowed = awaitFinal(send(device[0],
                    "{\"name\":\"exec\",\"params\":{\"script\":\"/bin/rm\"},\"timeout_ms\":10000}"));
            assertThat(notAllowed.get("state").asText()).isEqualTo("FAILED");
            assertThat(notAllowed.get("error_message").asText()).contains("not on the allowlist");
        }
    }

    @Test
    void desiredState_isAppliedByItsHandlers_reportedTruthfully_andAppliedAgainAfterARestart(@TempDir Path scripts)
            throws Exception {
        Path seen = scripts.resolve("fan.json");
        Path fan = script(scripts, "fan.sh", "cat > " + seen + "; echo \"$ROOST_DESIRED_KEY\" >> " + seen);
        Path broken = script(scripts, "ntp.sh", "echo 'no such server' >&2; exit 2");
        String[] device = server.registerDevice("e2e-desired");
        Map<String, String> handlers = Map.of("desired-handlers.fan", fan.toString(),
                "desired-handlers.ntp", broken.toString());
        try (EdgeAgent agent = agent(device, handlers)) {
            Await.until("online", agent::isLive);
            Reply patched = server.rest().patch("/api/v1/devices/" + device[0] + "/desired", ADMIN_TOKEN,
                    "{\"patch\":{\"log_level\":\"debug\",\"fan\":{\"speed\":3},\"ntp\":\"pool\"}}");
            assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
            JsonNode[] desired = new JsonNode[1];
            Await.until("applied on the server", () -> (desired[0] = server.rest().get("/api/v1/devices/" + device[0]
                    + "/desired", ADMIN_TOKEN).data()).get("applied_version").asLong() == 1);
            assertThat(Files.readString(seen)).isEqualTo("{\"speed\":3}fan\n");
            assertThat(desired[0].get("applied").toString()).as("only what a handler applied")
                    .isEqualTo("{\"fan\":{\"speed\":3}}");
            assertThat(agent.desiredVersion()).isEqualTo(1);
            Await.until("reported desired_applied_version", () ->
                    status(device[0]).at("/reported/desired_applied_version").asLong() == 1);
        }
        Files.delete(seen);
        try (EdgeAgent restarted = agent(device, handlers)) {
            Await.until("applied again after the restart", () -> Files.exists(seen)
                    && read(seen).endsWith("fan\n"));
            assertThat(Files.readString(seen)).isEqualTo("{\"speed\":3}fan\n");
            assertThat(restarted.desiredVersion()).isEqualTo(1);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path script(Path dir, String name, String body) throws Exception {
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void reboot_runsTheRebootCommand_andSucceedsOnlyWhenTheDeviceReturnsWithANewBootId(@TempDir Path scripts)
            throws Exception {
        Path marker = scripts.resolve("rebooted");
        Path reboot = script(scripts, "reboot.sh", "touch " + marker);
        String[] device = server.registerDevice("e2e-reboot");
        String commandId;
        try (EdgeAgent agent = agent(device, Map.of("reboot.command", reboot.toString()))) {
            Await.until("reported", () -> status(device[0]).path("reported_version").asLong() >= 1);
            commandId = send(device[0], "{\"name\":\"reboot\",\"timeout_ms\":15000}");
            Await.until("the reboot command ran", () -> Files.exists(marker));
            assertThat(agent.bootId()).as("the agent never invents a boot id").isEqualTo("boot-1");
        }
        // What the machine does after the command: it comes back with another boot id.
        AgentConfig config = AgentFixture.config(dir, server.port(), device[0], device[1], Map.of());
        BootId afterReboot = new BootId("boot-2");
        try (EdgeAgent rebooted = EdgeAgent.builder(config)
                .systemStatus(new SyntheticStatusSource(1, afterReboot, "sim"), afterReboot).build().start()) {
            JsonNode command = awaitFinal(commandId);
            assertThat(command.get("state").asText()).as(command.toString()).isEqualTo("SUCCEEDED");
            assertThat(command.at("/result/boot_id").asText()).isEqualTo("boot-2");
        }
    }

    @Test
    void reboot_thatTheOsRefuses_failsWithTheOsError(@TempDir Path scripts) throws Exception {
        Path reboot = script(scripts, "reboot.sh", "echo 'Failed to reboot: Access denied' >&2; exit 1");
        String[] device = server.registerDevice("e2e-reboot-denied");
        try (EdgeAgent agent = agent(device, Map.of("reboot.command", reboot.toString()))) {
            Await.until("online", agent::isLive);
            JsonNode command = awaitFinal(send(device[0], "{\"name\":\"reboot\",\"timeout_ms\":15000}"));
            assertThat(command.get("state").asText()).as(command.toString()).isEqualTo("FAILED");
            assertThat(command.get("error_message").asText())
                    .contains("exit code 1").contains("Failed to reboot: Access denied");
            assertThat(agent.bootId()).isEqualTo("boot-1");
        }
    }

    @Test
    void reboot_onADeviceThatRefusesReboots_failsWithTheReason() {
        String[] device = server.registerDevice("e2e-reboot-none");
        try (EdgeAgent agent = agent(device, Map.of())) {
            Await.until("online", agent::isLive);
            JsonNode command = awaitFinal(send(device[0], "{\"name\":\"reboot\",\"timeout_ms\":15000}"));
            assertThat(command.get("state").asText()).as(command.toString()).isEqualTo("FAILED");
            assertThat(command.get("error_message").asText()).contains("reboot refused").contains("reboot.command");
        }
    }

    @Test
    void restartAgent_restartsTheAgentNotTheMachine_andTheRestartedAgentReportsIt() {
        String[] device = server.registerDevice("e2e-restart-agent");
        AgentConfig config = AgentFixture.config(dir, server.port(), device[0], device[1], Map.of());
        BootId bootId = new BootId("boot-1");
        java.util.concurrent.CompletableFuture<Void> restartRequested = new java.util.concurrent.CompletableFuture<>();
        EdgeAgent first = EdgeAgent.builder(config).systemStatus(new SyntheticStatusSource(1, bootId, "sim"), bootId)
                .restartHook(() -> restartRequested.complete(null)).build().start();
        String commandId;
        try {
            Await.until("online", first::isLive);
            commandId = send(device[0], "{\"name\":\"restart_agent\",\"timeout_ms\":15000}");
            Await.until("restart requested", restartRequested::isDone);
        } finally {
            first.close();
        }
        // What AgentCommand does on the hook: a new agent from the same configuration and state.
        try (EdgeAgent second = EdgeAgent.builder(config)
                .systemStatus(new SyntheticStatusSource(1, bootId, "sim"), bootId).build().start()) {
            JsonNode command = awaitFinal(commandId);
            assertThat(command.get("state").asText()).as(command.toString()).isEqualTo("SUCCEEDED");
            assertThat(command.get("error_message").asText()).isEmpty();
            assertThat(command.at("/result/restarted").asText()).isEqualTo("agent");
            assertThat(command.at("/result/machine_rebooted").asBoolean()).isFalse();
            assertThat(second.bootId()).isEqualTo("boot-1");
        }
    }

    @Test
    void restartAgent_withoutARestartHook_fails() {
        String[] device = server.registerDevice("e2e-restart-embedded");
        try (EdgeAgent agent = agent(device, Map.of())) {
            Await.until("online", agent::isLive);
            JsonNode command = awaitFinal(send(device[0], "{\"name\":\"restart_agent\",\"timeout_ms\":15000}"));
            assertThat(command.get("state").asText()).isEqualTo("FAILED");
            assertThat(command.get("error_message").asText()).contains("cannot restart itself");
        }
    }
}
