package dev.roost.edge.command;

import dev.roost.edge.spi.CommandOutcome;

/** The outcome of a process that ran to its end: exit code 0 succeeded with no message. */
final class ProcessOutcomes {
    private ProcessOutcomes() {
    }

    static CommandOutcome of(ProcessOutput output) {
        // The server shows a result's message as error_message: a success carries none.
        return output.exitCode() == 0
                ? new CommandOutcome(true, 0, output.toJson(), "")
                : new CommandOutcome(false, output.exitCode(), output.toJson(), "exit code " + output.exitCode());
    }
}
