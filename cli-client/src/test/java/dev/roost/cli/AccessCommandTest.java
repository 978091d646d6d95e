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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code roost user|token|login|server} against a real server. */
class AccessCommandTest {
    private static final String PASSWORD = "correct-horse-battery";
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

    private CliRunner admin() {
        return CliRunner.against(home, server.port(), ADMIN_TOKEN);
    }

    /** A runner with the server address but no token. */
    private CliRunner anonymous() {
        return new CliRunner(home).env("ROOST_SERVER", "127.0.0.1:" + server.port());
    }

    private String createUser(String role) {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        Result created = admin().runWithStdin(PASSWORD + "\n", "user", "create", name, "--role", role,
                "--password-stdin", "-o", "json");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        return name;
    }

    @Test
    void userCreateListUpdateDelete() {
        String name = "alice-" + UUID.randomUUID().toString().substring(0, 6);
        Result created = admin().runWithStdin(PASSWORD + "\n", "user", "create", name, "--role", "operator",
                "--password-stdin");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).contains("created user").contains(name).contains("OPERATOR");
        String id = created.out().split(" ")[2];

        Result list = admin().run("user", "list");
        assertThat(list.lines().getFirst()).contains("USERNAME").contains("ROLE");
        assertThat(list.out()).contains(name);

        Result updated = admin().run("user", "update", id, "--role", "admin", "--disable", "-o", "json");
        assertThat(updated.exitCode()).as(updated.toString()).isZero();
        assertThat(updated.json().get("role").asText()).isEqualTo("ADMIN");
        assertThat(updated.json().get("disabled").asBoolean()).isTrue();

        assertThat(admin().run("user", "delete", id).out()).contains("deleted user " + id);
        assertThat(admin().run("user", "delete", id).exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void createWithoutATerminalOrStdin_isAUsageError() {
        Result result = admin().run("user", "create", "nobody", "--role", "viewer");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--password-stdin");
    }

    @Test
    void login_savesTheTokenInAContext_thatLaterCommandsUse() throws Exception {
        String name = createUser("operator");

        Result login = anonymous().runWithStdin(PASSWORD + "\n", "login", name, "--password-stdin");

        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(login.out()).contains("logged in as " + name).contains("OPERATOR").contains("context 'default'");
        Path config = home.resolve(".config/roost/config.yaml");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(Files.readString(config)).contains("current-context: default").contains("token: rst_");

        // No flag, no variable: the context's server and token are used.
        Result whoami = new CliRunner(home).run("server", "whoami", "-o", "json");
        assertThat(whoami.exitCode()).as(whoami.toString()).isZero();
        assertThat(whoami.json().get("principal").asText()).isEqualTo("user:" + name);
        assertThat(whoami.json().get("role").asText()).isEqualTo("OPERATOR");
    }

    @Test
    void loginWithAWrongPassword_exits1_unauthenticated() {
        String name = createUser("viewer");

        Result result = anonymous().runWithStdin("not-the-password\n", "login", name, "--password-stdin", "--no-save");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err().strip()).isEqualTo("Error: wrong username or password (UNAUTHENTICATED)");
        assertThat(home.resolve(".config/roost/config.yaml")).doesNotExist();
    }

    @Test
    void tokenCreateListRevoke_andARevokedTokenIsRefused() {
        Result created = admin().run("token", "create", "dashboard", "--role", "viewer", "--ttl", "1h", "-o", "json");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        JsonNode token = created.json();
        String id = token.at("/token/id").asText();
        String secret = token.get("secret").asText();
        assertThat(token.at("/token/role").asText()).isEqualTo("VIEWER");
        assertThat(token.at("/token/expires_at").asText()).isNotEmpty();

        Result asViewer = CliRunner.against(home, server.port(), secret).run("device", "list");
        assertThat(asViewer.exitCode()).as(asViewer.toString()).isZero();
        Result denied = CliRunner.against(home, server.port(), secret).run("group", "create", "nope");
        assertThat(denied.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(denied.err()).contains("(PERMISSION_DENIED)");

        assertThat(admin().run("token", "list").out()).contains(id).contains("dashboard");
        assertThat(admin().run("token", "revoke", id).out()).contains("revoked token " + id);
        assertThat(admin().run("token", "list", "-o", "json").json().get("items"))
                .noneMatch(t -> t.get("id").asText().equals(id));
        assertThat(admin().run("token", "list", "--include-revoked", "-o", "json").json().get("items"))
                .anyMatch(t -> t.get("id").asText().equals(id) && !t.get("revoked_at").isNull());
        Result refused = CliRunner.against(home, server.port(), secret).run("device", "list");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.err()).contains("(UNAUTHENTICATED)");
    }

    @Test
    void withoutAToken_theErrorSaysHowToGiveOne() {
        Result result = anonymous().run("device", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).contains("(UNAUTHENTICATED)").contains("roost login");
    }

    @Test
    void serverHealth_isServing_withoutAToken() {
        Result result = anonymous().run("server", "health");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().strip()).isEqualTo("127.0.0.1:" + server.port() + ": SERVING");
        assertThat(anonymous().run("server", "health", "-o", "json").json().get("status").asText()).isEqualTo("SERVING");
    }
}
