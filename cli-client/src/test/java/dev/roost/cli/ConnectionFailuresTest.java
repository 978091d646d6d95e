package dev.roost.cli;

import dev.roost.cli.CliRunner.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Transport failures: exit 4 and one readable line, never a stack trace. */
class ConnectionFailuresTest {
    @TempDir
    Path home;

    @Test
    void serverDown_exits4_namingTheAddress() {
        String address = "127.0.0.1:" + Ports.closed();

        Result result = new CliRunner(home).env("ROOST_SERVER", address).run("device", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("Error: cannot reach the server at " + address + ": ")
                .endsWith("(UNAVAILABLE)" + System.lineSeparator())
                .doesNotContain("\tat ");
        assertThat(result.err().lines()).hasSize(1);
    }

    @Test
    void serverThatNeverAnswers_exits4_afterTheTimeout() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            long started = System.nanoTime();

            Result result = new CliRunner(home).env("ROOST_SERVER", silent.address())
                    .run("device", "get", "1", "--timeout", "500ms");

            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(result.err().strip()).isEqualTo("Error: no answer from " + silent.address()
                    + " in time (raise --timeout) (DEADLINE_EXCEEDED)");
            assertThat(elapsedMs).isBetween(400L, 10_000L);
            assertThat(silent.accepted()).isEqualTo(1);
        }
    }

    @Test
    void serverHealth_onADownServer_exits4() {
        Result result = new CliRunner(home).env("ROOST_SERVER", "127.0.0.1:" + Ports.closed()).run("server", "health");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    }
}
