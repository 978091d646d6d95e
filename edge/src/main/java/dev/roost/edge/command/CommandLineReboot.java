package dev.roost.edge.command;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reboots by running a command line ({@code reboot.command}, by default {@code systemctl reboot}
 * on Linux). An exit code other than 0, or a command that cannot be started, is a failed reboot
 * whose message carries what the operating system said.
 */
public final class CommandLineReboot implements RebootAction {
    /** systemctl returns once the reboot job is queued; a hung command is a failure, not a wait. */
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int MAX_OUTPUT = 4096;

    private final List<String> commandLine;
    private final ProcessRunner processes = new ProcessRunner(MAX_OUTPUT);

    public CommandLineReboot(List<String> commandLine) {
        if (commandLine.isEmpty()) {
            throw new IllegalArgumentException("a reboot command line must not be empty");
        }
        this.commandLine = List.copyOf(commandLine);
    }

    /** The default reboot command of this operating system; empty where Roost knows none. */
    public static List<String> defaultCommand(String osName) {
        return osName.toLowerCase(java.util.Locale.ROOT).contains("linux") ? List.of("systemctl", "reboot") : List.of();
    }

    @Override
    public void reboot() throws IOException, InterruptedException {
        ProcessOutput output;
        try {
            output = processes.run(commandLine, Map.of(), null, TIMEOUT);
        } catch (IOException e) {
            throw new IOException("cannot run '" + String.join(" ", commandLine) + "': " + e.getMessage(), e);
        }
        if (output.timedOut()) {
            throw new IOException("'" + String.join(" ", commandLine) + "' did not finish within " + TIMEOUT.toSeconds()
                    + " s");
        }
        if (output.exitCode() != 0) {
            String said = (output.stderr().strip() + "\n" + output.stdout().strip()).strip();
            throw new IOException("'" + String.join(" ", commandLine) + "' failed with exit code " + output.exitCode()
                    + (said.isEmpty() ? "" : ": " + said));
        }
    }

    @Override
    public String toString() {
        return String.join(" ", commandLine);
    }
}
