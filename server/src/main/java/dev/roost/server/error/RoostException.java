package dev.roost.server.error;

import java.util.Optional;

/**
 * A failure the caller should see: its code picks the gRPC and HTTP status, its message is shown
 * as is, so it must never hold secrets or internals.
 */
public class RoostException extends RuntimeException {
    private final ErrorCode code;

    public RoostException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /**
     * The RoostException that caused {@code failure}, looking through wrappers (DbClient wraps what
     * the connection pool throws); empty when the failure is unexpected.
     */
    public static Optional<RoostException> causeOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RoostException roost) {
                return Optional.of(roost);
            }
        }
        return Optional.empty();
    }

    public static RoostException invalid(String field, String problem) {
        return new RoostException(ErrorCode.INVALID_ARGUMENT, field + ": " + problem);
    }

    public static RoostException notFound(String what, Object id) {
        return new RoostException(ErrorCode.NOT_FOUND, what + " " + id + " not found");
    }

    public static RoostException denied(String message) {
        return new RoostException(ErrorCode.PERMISSION_DENIED, message);
    }

    public static RoostException unauthenticated(String message) {
        return new RoostException(ErrorCode.UNAUTHENTICATED, message);
    }
}
