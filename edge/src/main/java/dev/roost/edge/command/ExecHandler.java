package dev.roost.edge.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code exec}: runs one of the allowlisted scripts by name, never an arbitrary path.
 * Params: {@code script} (a name from the allowlist), {@code args} (strings),
 * {@code timeout_ms} (optional, capped by the command's own timeout).
 */
public final class ExecHandler implements CommandHandler {
    private final Map<String, Path> allowlist;
    private final ProcessRunner runner;
    private final Duration defaultTimeout;

    public ExecHandler(Map<String, Path> allowlist, ProcessRunner runner, Duration defaultTimeout) {
        this.allowlist = Map.copyOf(allowlist);
        this.runner = runner;
        this.defaultTimeout = defaultTimeout;
    }

    @Override
    public String name() {
        return "exec";
    }

    @Override
    public CommandOutcome handle(CommandRequest request) throws Exception {
        String script = request.params().path("script").asText("");
        Path path = allowlist.get(script);
        if (path == null) {
            return CommandOutcome.failed(-1, "script '" + script + "' is not on the allowlist");
        }
        List<String> commandLine = new ArrayList<>();
        commandLine.add(path.toString());
        JsonNode args = request.params().path("args");
        if (!args.isMissingNode() && !args.isArray()) {
            return CommandOutcome.failed(-1, "args must be an array of strings");
        }
        for (JsonNode arg : args) {
            if (!arg.isTextual()) {
                return CommandOutcome.failed(-1, "args must be an array of strings");
            }
            commandLine.add(arg.asText());
        }
        Duration timeout = request.params().has("timeout_ms")
                ? Duration.ofMillis(request.params().get("timeout_ms").asLong())
                : defaultTimeout;
        if (!request.timeout().isZero() && request.timeout().compareTo(timeout) < 0) {
            timeout = request.timeout();
        }
        ProcessOutput output = runner.run(commandLine, Map.of(), null, timeout);
        if (output.timedOut()) {
            return new CommandOutcome(false, -1, output.toJson(), "timed out after " + timeout.toMillis() + " ms");
        }
        return new CommandOutcome(output.exitCode() == 0, output.exitCode(), output.toJson(),
                "exit code " + output.exitCode());
    }
}
