package dev.roost.server.northbound.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.util.concurrent.atomic.LongAdder;

/**
 * Sends nothing on a call once the client has cancelled it (RST_STREAM, RFC 9113 §6.4): no headers,
 * messages or status. grpc-java's own server drops these; Helidon 4.5 writes them on the reset stream,
 * the client answers RST_STREAM(STREAM_CLOSED), and once a newer stream is open Helidon takes that
 * for a frame on a stream that never existed and ends the connection with GOAWAY(PROTOCOL_ERROR),
 * failing every call on it (docs/upstream/helidon-http2-closed-streams.md, §1). A call whose client
 * deadline expired while it waited for a device, or a watch the client closed, would otherwise answer
 * once the wait or the subscription ends.
 *
 * <p>Must be the outermost interceptor, so that the other interceptors' sends (an error status, a
 * watch's early headers) pass through it too. A cancel that arrives while a send is being written is
 * not caught: that send goes out (see the document above).
 */
public final class CancelledCallInterceptor implements ServerInterceptor {
    private final LongAdder dropped = new LongAdder();

    /** Calls that had something to send after their client cancelled them, and sent nothing more. */
    public long droppedAnswers() {
        return dropped.sum();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                        ServerCallHandler<Q, R> next) {
        QuietOnceCancelled<Q, R> quiet = new QuietOnceCancelled<>(call, dropped);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(quiet, headers)) {
            @Override
            public void onCancel() {
                // Before the service hears of it: what it sends in reaction must already be dropped.
                quiet.cancelled = true;
                super.onCancel();
            }
        };
    }

    private static final class QuietOnceCancelled<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final LongAdder dropped;
        /**
         * Set when Helidon tells the listener of a client reset. Helidon's own {@code isCancelled()}
         * turns true only after its listener returned when the reset carried another code than CANCEL.
         */
        private volatile boolean cancelled;
        /** Closed by this side: Helidon then reports the call cancelled too, but nothing was lost. */
        private volatile boolean closed;
        private volatile boolean counted;

        QuietOnceCancelled(ServerCall<Q, R> delegate, LongAdder dropped) {
            super(delegate);
            this.dropped = dropped;
        }

        @Override
        public boolean isCancelled() {
            return cancelled || super.isCancelled();
        }

        @Override
        public void sendHeaders(Metadata headers) {
            if (!dropIfCancelled()) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public void sendMessage(R message) {
            if (!dropIfCancelled()) {
                super.sendMessage(message);
            }
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (!dropIfCancelled()) {
                closed = true;
                super.close(status, trailers);
            }
        }

        private boolean dropIfCancelled() {
            if (!isCancelled()) {
                return false;
            }
            if (!closed && !counted) {
                counted = true;
                dropped.increment();
            }
            return true;
        }
    }
}
