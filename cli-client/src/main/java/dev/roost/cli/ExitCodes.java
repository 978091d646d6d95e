package dev.roost.cli;

import io.grpc.Status;

/**
 * The CLI's exit statuses, documented in docs/cli.md. Scripts can rely on them; change them only
 * with the documentation.
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** Anything not listed below, including the server refusing a request (INVALID_ARGUMENT, PERMISSION_DENIED, ...). */
    public static final int FAILED = 1;
    /** The command line itself is wrong: unknown flag, missing argument, malformed value. Nothing was sent. */
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    /** The server could not be reached or did not answer in time, or a waited-for command did not finish. */
    public static final int UNAVAILABLE = 4;

    private ExitCodes() {
    }

    public static int of(Status.Code code) {
        return switch (code) {
            case OK -> OK;
            case NOT_FOUND -> NOT_FOUND;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> UNAVAILABLE;
            default -> FAILED;
        };
    }
}
