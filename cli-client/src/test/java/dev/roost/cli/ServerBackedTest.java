package dev.roost.cli;

import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;

/** One real server on port 0 per test class, and a CLI with its own home folder per test. */
abstract class ServerBackedTest {
    protected static TestServer server;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    protected CliRunner cli() {
        return CliRunner.against(home, server.port(), ADMIN_TOKEN);
    }
}
