package dev.roost.edge.command;

import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A custom command configured as a command line: the params arrive as JSON on standard input and
 * in {@code ROOST_PARAMS}; exit code 0 means succeeded.
 */
public final class ExternalCommandHandler implements CommandHandler {
    private final String name;
    private final List<String> commandLine;
    private final ProcessRunner runner;
    private final Duration defaultTimeout;

    public ExternalCommandHandler(String name, List<String> commandLine, ProcessRunner runner,
                                  Duration defaultTimeout) {
        this.name = name;
        this.commandLine = List.copyOf(commandLine);
        this.runner = runner;
        this.defaultTimeout = defaultTimeout;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CommandOutcome handle(CommandRequest request) throws Exception {
        String params = request.params().toString();
        Duration timeout = request.timeout().isZero() ? defaultTimeout : request.timeout();
        ProcessOutput output = runner.run(commandLine, Map.of("ROOST_PARAMS", params,
                "ROOST_COMMAND_ID", request.commandId()), params, timeout);
        if (output.timedOut()) {
            return new CommandOutcome(false, -1, output.toJson(), "timed out after " + timeout.toMillis() + " ms");
        }
        return ProcessOutcomes.of(output);
    }
}
