package dev.roost.server.northbound.grpc;

import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.helidon.webserver.ServerConnectionException;

import java.nio.charset.StandardCharsets;

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

    /**
     * The message as grpc-message carries it: UTF-8, percent-encoded (gRPC over HTTP/2). Helidon
     * writes the description as given, so it is encoded here. The spec requires encoding only '%'
     * and bytes outside 0x20..0x7E; this encodes every byte but letters, digits and {@code -._/:=,}
     * and space, whose HPACK Huffman codes are at most 8 bits: Helidon 4.5's Huffman encoder
     * overflows when a value codes longer than its length (docs/upstream/helidon-hpack-huffman.md).
     * Clients decode any %XX, so the message arrives unchanged.
     */
    static String percentEncoded(String message) {
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(utf8.length + 16);
        for (byte b : utf8) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || " -._/:=,".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

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
            call.close(Status.fromCode(code.grpcCode()).withDescription(percentEncoded(message)), trailers);
        } catch (IllegalStateException alreadyClosed) {
            LOG.log(System.Logger.Level.DEBUG, "call already closed when mapping {0}", code);
        }
    }
}
