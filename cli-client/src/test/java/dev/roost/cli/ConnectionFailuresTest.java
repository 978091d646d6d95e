package dev.roost.cli;

import dev.roost.cli.CliRunner.Result;
import dev.roost.server.support.Await;
import io.grpc.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Transport failures: exit 4 and one readable line, never a stack trace. */
class ConnectionFailuresTest {
    private static final Deadline.Ticker STOPPED = new Deadline.Ticker() {
        @Override
        public long nanoTime() {
            return 0;
        }
    };

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
    void serverThatNeverAnswers_exits4_sayingNoAnswerInTime() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            Result result = new CliRunner(home).env("ROOST_SERVER", silent.address())
                    .run("device", "get", "1", "--timeout", "500ms");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(result.err().strip()).isEqualTo("Error: no answer from " + silent.address()
                    + " in time (raise --timeout) (DEADLINE_EXCEEDED)");
            Await.until("the connection was accepted", () -> silent.accepted() == 1);
        }
    }

    @Test
    void timeout_isTheDeadlineTheCallCarries() {
        try (NeverAnsweringServer server = new NeverAnsweringServer()) {
            // Deadlines measured on a stopped ticker: the call carries exactly --timeout, however long
            // it took to connect and send (the call still ends by the real timer).
            Result result = new CliRunner(home).env("ROOST_SERVER", server.address()).deadlines(STOPPED)
                    .run("device", "get", "1", "--timeout", "500ms");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(result.err().strip()).isEqualTo("Error: no answer from " + server.address()
                    + " in time (raise --timeout) (DEADLINE_EXCEEDED)");
            assertThat(server.deadlines()).containsExactly(Duration.ofMillis(500));
        }
    }

    @Test
    void serverHealth_onADownServer_exits4() {
        Result result = new CliRunner(home).env("ROOST_SERVER", "127.0.0.1:" + Ports.closed()).run("server", "health");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    }
}
