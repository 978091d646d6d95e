package dev.roost.cli;

import io.grpc.Deadline;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Everything an invocation reads from or writes to the outside world, so that a test can run the
 * CLI in-process with captured output and its own variables and home folder.
 *
 * @param out        command output (tables, JSON, YAML)
 * @param err        error lines and hints
 * @param variables  environment variables (ROOST_SERVER, ROOST_TOKEN, ROOST_CONFIG, ROOST_CONTEXT)
 * @param home       the user's home folder; the default config file lives below it
 * @param stdin      standard input, for {@code --password-stdin}
 * @param prompt     reads a password from the terminal without echo; empty when there is no terminal
 * @param interrupts Ctrl-C notifications, for commands that stream until interrupted
 * @param deadlines  the time source of call deadlines ({@code --timeout}); a test stops it to check
 *                   the deadline a call carries
 */
public record Environment(PrintWriter out, PrintWriter err, Map<String, String> variables, Path home,
                          BufferedReader stdin, PasswordPrompt prompt, Interrupts interrupts,
                          Deadline.Ticker deadlines) {

    /** Reads a secret from the terminal. */
    @FunctionalInterface
    public interface PasswordPrompt {
        Optional<char[]> read(String prompt);
    }

    /** Ctrl-C: the handler runs instead of the process ending, until the registration is closed. */
    @FunctionalInterface
    public interface Interrupts {
        Registration onInterrupt(Runnable handler);
    }

    /** Undoes an {@link Interrupts#onInterrupt} registration. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    public Optional<String> variable(String name) {
        return Optional.ofNullable(variables.get(name)).filter(value -> !value.isBlank());
    }
}
