package dev.roost.cli;

import dev.roost.cli.command.RoostCommand;
import io.grpc.Metadata;
import io.grpc.Status;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Turns what went wrong into one line on stderr and an exit status ({@link ExitCodes}): never a stack
 * trace, unless ROOST_CLI_DEBUG is set.
 */
final class Failures {
    /** The server's ErrorCode name, sent as a trailer on every failed call. */
    static final Metadata.Key<String> ERROR_TYPE = Metadata.Key.of("roost-error-type", Metadata.ASCII_STRING_MARSHALLER);
    static final String DEBUG_VARIABLE = "ROOST_CLI_DEBUG";

    private final RoostCommand root;
    private final Environment env;

    Failures(RoostCommand root, Environment env) {
        this.root = root;
        this.env = env;
    }

    /** The command line is wrong: nothing was sent. */
    int usage(CommandLine.ParameterException error) {
        PrintWriter err = env.err();
        err.println("Error: " + error.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(error, err);
        tryHelp(error.getCommandLine());
        return ExitCodes.USAGE;
    }

    int report(Exception error, CommandLine command) {
        PrintWriter err = env.err();
        if (error instanceof CliException cli) {
            err.println("Error: " + cli.getMessage());
            if (cli.exitCode() == ExitCodes.USAGE) {
                tryHelp(command);
            }
            err.flush();
            return cli.exitCode();
        }
        Status status = Status.fromThrowable(error);
        if (status.getCode() != Status.Code.UNKNOWN || error instanceof io.grpc.StatusRuntimeException
                || error instanceof io.grpc.StatusException) {
            Metadata trailers = Status.trailersFromThrowable(error);
            String type = trailers == null ? null : trailers.get(ERROR_TYPE);
            // Login sends no token on purpose; elsewhere a missing token is the likely cause.
            String hint = status.getCode() == Status.Code.UNAUTHENTICATED && !hasToken()
                    && !"login".equals(command.getCommandName())
                    ? " - no token was given: use --token, ROOST_TOKEN or 'roost login'" : "";
            err.println("Error: " + describe(status, type != null) + " ("
                    + (type != null ? type : status.getCode().name()) + ")" + hint);
            err.flush();
            return ExitCodes.of(status.getCode());
        }
        if (error instanceof UncheckedIOException io) {
            err.println("Error: " + io.getCause().getMessage());
        } else {
            err.println("Error: unexpected " + error.getClass().getSimpleName() + ": " + error.getMessage());
        }
        if (env.variable(DEBUG_VARIABLE).isPresent()) {
            error.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.FAILED;
    }

    /** The server's own message when it sent one; otherwise what the transport saw, in words. */
    private String describe(Status status, boolean fromServer) {
        String description = firstLine(status.getDescription());
        if (fromServer) {
            return description != null ? description : status.getCode().name();
        }
        String server = server();
        return switch (status.getCode()) {
            case UNAVAILABLE -> "cannot reach the server at " + server + ": "
                    + (status.getCause() != null && status.getCause().getMessage() != null
                    ? firstLine(status.getCause().getMessage()) : description);
            case DEADLINE_EXCEEDED -> "no answer from " + server + " in time (raise --timeout)";
            case UNIMPLEMENTED -> "the server at " + server + " does not offer this operation"
                    + (description == null ? "" : ": " + description);
            default -> description != null ? description : status.getCode().name();
        };
    }

    private String server() {
        try {
            return root.describeServer();
        } catch (RuntimeException unresolvable) {
            return "the configured address";
        }
    }

    private boolean hasToken() {
        try {
            return root.hasToken();
        } catch (RuntimeException unresolvable) {
            return false;
        }
    }

    private void tryHelp(CommandLine command) {
        env.err().println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        env.err().flush();
    }

    private static String firstLine(String text) {
        return text == null ? null : text.lines().findFirst().orElse(text);
    }
}
