package dev.roost.server.error;

import io.grpc.Status;

/**
 * The one table of failures. Each code carries the gRPC status and the HTTP status every adapter
 * answers with; the name itself is the {@code type} of the REST error envelope.
 */
public enum ErrorCode {
    INVALID_ARGUMENT(Status.Code.INVALID_ARGUMENT, 400),
    UNSUPPORTED_MEDIA_TYPE(Status.Code.INVALID_ARGUMENT, 415),
    PAYLOAD_TOO_LARGE(Status.Code.RESOURCE_EXHAUSTED, 413),
    UNAUTHENTICATED(Status.Code.UNAUTHENTICATED, 401),
    PERMISSION_DENIED(Status.Code.PERMISSION_DENIED, 403),
    NOT_FOUND(Status.Code.NOT_FOUND, 404),
    METHOD_NOT_ALLOWED(Status.Code.UNIMPLEMENTED, 405),
    ALREADY_EXISTS(Status.Code.ALREADY_EXISTS, 409),
    /** The request conflicts with the resource's current state or version. */
    FAILED_PRECONDITION(Status.Code.FAILED_PRECONDITION, 409),
    RATE_LIMITED(Status.Code.RESOURCE_EXHAUSTED, 429),
    DEADLINE_EXCEEDED(Status.Code.DEADLINE_EXCEEDED, 504),
    UNAVAILABLE(Status.Code.UNAVAILABLE, 503),
    NOT_IMPLEMENTED(Status.Code.UNIMPLEMENTED, 501),
    INTERNAL(Status.Code.INTERNAL, 500);

    private final Status.Code grpcCode;
    private final int httpStatus;

    ErrorCode(Status.Code grpcCode, int httpStatus) {
        this.grpcCode = grpcCode;
        this.httpStatus = httpStatus;
    }

    public Status.Code grpcCode() {
        return grpcCode;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
