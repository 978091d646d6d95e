package dev.roost.edge.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.edge.spi.DesiredStateHandler;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A configured command line ({@code desired-handlers.<key>}) that applies one desired-state key:
 * it gets the key's value as JSON on stdin and in {@code ROOST_DESIRED_VALUE}, the key in
 * {@code ROOST_DESIRED_KEY}; exit code 0 means applied, anything else an error with its output.
 */
public final class DesiredStateScript implements DesiredStateHandler {
    private final String key;
    private final List<String> commandLine;
    private final ProcessRunner runner;
    private final Duration timeout;

    public DesiredStateScript(String key, List<String> commandLine, ProcessRunner runner, Duration timeout) {
        this.key = key;
        this.commandLine = List.copyOf(commandLine);
        this.runner = runner;
        this.timeout = timeout;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public void apply(JsonNode value) throws IOException, InterruptedException {
        String json = value.toString();
        ProcessOutput output = runner.run(commandLine, Map.of("ROOST_DESIRED_KEY", key, "ROOST_DESIRED_VALUE", json),
                json, timeout);
        if (output.timedOut()) {
            throw new IOException("timed out after " + timeout.toMillis() + " ms");
        }
        if (output.exitCode() != 0) {
            String said = output.stderr().strip();
            throw new IOException("exit code " + output.exitCode() + (said.isEmpty() ? "" : ": " + said));
        }
    }
}
