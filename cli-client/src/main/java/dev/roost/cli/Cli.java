package dev.roost.cli;

import dev.roost.cli.command.RoostCommand;
import picocli.CommandLine;

/**
 * Runs one invocation of {@code roost} in the given environment and returns its exit status.
 * Usage errors and failures become one line on stderr (plus a pointer to --help for usage errors).
 */
public final class Cli {
    private Cli() {
    }

    public static int run(Environment env, String... args) {
        RoostCommand root = new RoostCommand(env);
        Failures failures = new Failures(root, env);
        CommandLine commandLine = new CommandLine(root)
                .setOut(env.out())
                .setErr(env.err())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((error, arguments) -> failures.usage(error))
                .setExecutionExceptionHandler((error, command, parsed) -> failures.report(error, command));
        int status = commandLine.execute(args);
        env.out().flush();
        env.err().flush();
        return status;
    }
}
