package dev.roost.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.cli.CliRunner.Result;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** Contexts in the config file, and the precedence flags > environment > context. */
class ConfigCommandTest {
    private static TestServer server;

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

    private String live() {
        return "127.0.0.1:" + server.port();
    }

    @Test
    void setUseAndGetContexts_neverPrintTheToken() throws Exception {
        CliRunner cli = new CliRunner(home);
        assertThat(cli.run("config", "set-context", "lab", "--server", live(), "--token", ADMIN_TOKEN).exitCode()).isZero();
        assertThat(cli.run("config", "set-context", "prod", "--server", "roost.example:443", "--tls").exitCode()).isZero();

        assertThat(cli.run("config", "current-context").out().strip()).isEqualTo("lab");
        Result contexts = cli.run("config", "get-contexts");
        assertThat(contexts.lines()).hasSize(3);
        assertThat(contexts.lines().getFirst()).contains("CURRENT").contains("NAME").contains("SERVER");
        assertThat(contexts.out()).doesNotContain(ADMIN_TOKEN).contains("(set)").contains("roost.example:443");

        assertThat(cli.run("config", "use-context", "prod").exitCode()).isZero();
        JsonNode listed = cli.run("config", "get-contexts", "-o", "json").json().get("items");
        assertThat(listed).anySatisfy(c -> {
            assertThat(c.get("name").asText()).isEqualTo("prod");
            assertThat(c.get("current").asBoolean()).isTrue();
            assertThat(c.get("tls").asBoolean()).isTrue();
        });
        assertThat(cli.run("config", "use-context", "nope").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(cli.run("config", "delete-context", "prod").exitCode()).isZero();
        assertThat(cli.run("config", "current-context").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void theCurrentContext_isUsedWhenNothingElseIsGiven() {
        CliRunner cli = new CliRunner(home);
        cli.run("config", "set-context", "lab", "--server", live(), "--token", ADMIN_TOKEN);

        Result result = cli.run("device", "list");

        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    @Test
    void environment_beatsTheContext_andFlags_beatTheEnvironment() {
        CliRunner cli = new CliRunner(home);
        String dead = "127.0.0.1:" + Ports.closed();
        cli.run("config", "set-context", "stale", "--server", dead, "--token", "wrong-token-0123456789");

        Result fromEnvironment = cli.env("ROOST_SERVER", live()).env("ROOST_TOKEN", ADMIN_TOKEN).run("device", "list");
        assertThat(fromEnvironment.exitCode()).as(fromEnvironment.toString()).isZero();

        Result flagsWin = cli.env("ROOST_SERVER", dead).env("ROOST_TOKEN", "wrong-token-0123456789")
                .run("device", "list", "--server", live(), "--token", ADMIN_TOKEN);
        assertThat(flagsWin.exitCode()).as(flagsWin.toString()).isZero();

        Result environmentWins = cli.run("device", "list");
        assertThat(environmentWins.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(environmentWins.err()).contains(dead);
    }

    @Test
    void contextFlagAndConfigFlag_chooseAnotherContextAndFile() throws Exception {
        Path other = home.resolve("elsewhere.yaml");
        CliRunner cli = new CliRunner(home);
        cli.run("--config", other.toString(), "config", "set-context", "a", "--server", "127.0.0.1:" + Ports.closed());
        cli.run("--config", other.toString(), "config", "set-context", "b", "--server", live(), "--token", ADMIN_TOKEN);
        assertThat(Files.exists(home.resolve(".config/roost/config.yaml"))).isFalse();

        assertThat(cli.run("--config", other.toString(), "device", "list").exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli.run("--config", other.toString(), "--context", "b", "device", "list").exitCode()).isZero();
        assertThat(cli.env("ROOST_CONFIG", other.toString()).env("ROOST_CONTEXT", "b").run("device", "list").exitCode())
                .isZero();

        Result unknown = cli.run("--context", "zzz", "device", "list");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no context named 'zzz'");
    }
}
