package dev.roost.server.northbound.grpc;

import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.helidon.webserver.ServerConnectionException;

/** Maps any failure of a call to a gRPC status, the one place gRPC errors are decided and logged. */
final class GrpcErrors {
    /** Trailer carrying the {@link ErrorCode} name, so clients see the same type as REST callers. */
    static final Metadata.Key<String> ERROR_TYPE = Metadata.Key.of("roost-error-type", Metadata.ASCII_STRING_MARSHALLER);
    private static final System.Logger LOG = System.getLogger(GrpcErrors.class.getName());

    private GrpcErrors() {
    }

    /**
     * Fails a call refused before its handler ran. The status goes out once the client finished
     * sending: closing while the request is still arriving lets Helidon reset the stream, and the
     * client may then see INTERNAL instead of the real status.
     */
    static <Q> ServerCall.Listener<Q> closeWhenRequestRead(ServerCall<Q, ?> call, Throwable failure) {
        return new ServerCall.Listener<>() {
            private boolean closed;

            @Override
            public void onHalfClose() {
                if (!closed) {
                    closed = true;
                    close(call, failure);
                }
            }
        };
    }

    static void close(ServerCall<?, ?> call, Throwable failure) {
        if (failure instanceof ServerConnectionException) {
            // The response could not be written: the caller is gone (deadline, reset). Nobody to tell.
            LOG.log(System.Logger.Level.DEBUG, "gRPC call {0}: caller gone before the response ({1})",
                    call.getMethodDescriptor().getFullMethodName(), failure.getMessage());
            return;
        }
        ErrorCode code;
        String message;
        var roost = RoostException.causeOf(failure);
        if (roost.isPresent()) {
            code = roost.get().code();
            message = roost.get().getMessage();
        } else {
            code = ErrorCode.INTERNAL;
            message = "internal error";
            LOG.log(System.Logger.Level.ERROR, "gRPC call " + call.getMethodDescriptor().getFullMethodName()
                    + " failed", failure);
        }
        Metadata trailers = new Metadata();
        trailers.put(ERROR_TYPE, code.name());
        try {
            call.close(Status.fromCode(code.grpcCode()).withDescription(message), trailers);
        } catch (IllegalStateException alreadyClosed) {
            LOG.log(System.Logger.Level.DEBUG, "call already closed when mapping {0}", code);
        }
    }
}
