package dev.roost.cli;

import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code roost logs list|get} against a real server with its log receiver on. The files are put
 * into the receiver's folder directly: the SFTP upload itself is tested in the server module.
 */
class LogsCommandTest {
    @TempDir
    static Path logs;
    private static TestServer server;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("logs.enabled", "true", "logs.port", "0", "logs.host", "127.0.0.1",
                "logs.dir", logs.toString(), "logs.host-key-file", logs.resolve("host-key").toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private CliRunner cli() {
        return CliRunner.against(home, server.port(), ADMIN_TOKEN);
    }

    @Test
    void listAndGet_showAndDownloadWhatTheDeviceUploaded() throws IOException {
        String[] device = server.registerDevice("cli-logs");
        Files.createDirectories(logs.resolve(device[0]));
        Files.writeString(logs.resolve(device[0]).resolve("agent.log"), "hello from the device\n");

        CliRunner.Result list = cli().run("logs", "list", device[0], "-o", "json");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.json().at("/items/0/name").asText()).isEqualTo("agent.log");
        assertThat(list.json().at("/items/0/size_bytes").asLong()).isEqualTo(22);

        Path target = home.resolve("copy.log");
        CliRunner.Result get = cli().run("logs", "get", device[0], "agent.log", "--to", target.toString());
        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(Files.readString(target)).isEqualTo("hello from the device\n");

        CliRunner.Result again = cli().run("logs", "get", device[0], "agent.log", "--to", target.toString());
        assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILED);
        CliRunner.Result missing = cli().run("logs", "get", device[0], "nope.log", "--to", home.resolve("n").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(Files.exists(home.resolve("n"))).isFalse();
    }
}
