package dev.roost.cli;

import dev.roost.cli.CliRunner.Result;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** A wrong command line is a usage error: exit 2, one message and a pointer to --help, nothing sent. */
class UsageErrorsTest {
    private static TestServer server;
    private static String device;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        device = server.registerDevice("usage")[0];
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<List<String>> wrongCommandLines() {
        return List.of(
                List.of("device", "list", "--bogus"),
                List.of("device", "register", "gw-x", "--serial", "S-1"),
                List.of("device", "register", "--serial", "S-1", "--model", "M"),
                List.of("device", "register", "gw-x", "--serial", "S-1", "--model", "M", "--labels", "site"),
                List.of("device", "register", "gw-x", "--serial", "S-1", "--model", "M", "--labels", "=lab"),
                List.of("device", "register", "gw-x", "--serial", "S-1", "--model", "M", "--nic", "eth0"),
                List.of("device", "get", "not-a-number"),
                List.of("device", "get"),
                List.of("device", "update", "DEVICE"),
                List.of("device", "list", "--state", "flying"),
                List.of("device", "list", "--page-size", "many"),
                List.of("command", "send", "DEVICE", "exec", "--params", "{bad"),
                List.of("command", "send", "DEVICE", "exec", "--params", "[1,2]"),
                List.of("command", "send", "DEVICE", "exec", "--params", "{\"a\":1} trailing"),
                List.of("command", "send", "DEVICE", "exec", "--command-timeout", "soon"),
                List.of("command", "send", "DEVICE"),
                List.of("desired", "set", "DEVICE", "{\"led\":"),
                List.of("events", "list", "--since", "yesterday"),
                List.of("group", "add", "123"),
                List.of("token", "create", "t", "--role", "superuser"),
                List.of("user", "update", "123", "--enable", "--disable"),
                List.of("device", "list", "--timeout", "forever"),
                List.of("device", "list", "-o", "xml"),
                List.of("device", "list", "--server", "host:port:extra"),
                List.of("device"),
                List.of("nonsense"),
                List.of());
    }

    private static String[] withDevice(List<String> args) {
        return args.stream().map(arg -> arg.equals("DEVICE") ? device : arg).toArray(String[]::new);
    }

    @ParameterizedTest
    @MethodSource("wrongCommandLines")
    void wrongCommandLine_exits2_withOneMessage_andConnectsNowhere(List<String> args) throws Exception {
        try (SilentServer listener = new SilentServer()) {
            CliRunner cli = CliRunner.against(home, 1, ADMIN_TOKEN).env("ROOST_SERVER", listener.address());

            Result result = cli.run(withDevice(args));

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(result.out()).isEmpty();
            assertThat(result.err()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(result.err().lines().filter(line -> line.startsWith("Error: "))).as(result.toString()).hasSize(1);
            assertThat(listener.accepted()).as("connections made").isZero();
        }
    }

    @Test
    void wrongCommandLines_changeNothingOnTheServer() {
        CliRunner cli = CliRunner.against(home, server.port(), ADMIN_TOKEN);
        long devicesBefore = devices();
        long commandsBefore = commandsOf(device);

        for (List<String> args : wrongCommandLines()) {
            assertThat(cli.run(withDevice(args)).exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
        }

        assertThat(devices()).isEqualTo(devicesBefore);
        assertThat(commandsOf(device)).isEqualTo(commandsBefore).isZero();
        // The same lines, corrected, do reach the server.
        assertThat(cli.run("command", "send", device, "exec", "--params", "{\"ok\":1}").exitCode()).isZero();
        assertThat(commandsOf(device)).isEqualTo(1);
    }

    @Test
    void usageMessage_pointsToTheCommandsHelp() {
        Result result = CliRunner.against(home, server.port(), ADMIN_TOKEN)
                .run("command", "send", device, "exec", "--params", "{bad");

        assertThat(result.err()).startsWith("Error: Invalid value for option '--params': malformed JSON")
                .contains("Try 'roost command send --help' for more information.");
    }

    @Test
    void misspelledSubcommand_suggestsTheRightOne() {
        Result result = new CliRunner(home).run("device", "regster");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("register");
    }

    private static long devices() {
        return server.rest().get("/api/v1/devices", ADMIN_TOKEN).data().get("total_count").asLong();
    }

    private static long commandsOf(String id) {
        return server.rest().get("/api/v1/commands?device_id=" + id, ADMIN_TOKEN).data().get("total_count").asLong();
    }
}
