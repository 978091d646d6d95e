package dev.roost.server.northbound.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets a watch stream send its response headers as soon as its subscription is in place, carrying
 * {@code roost-watch: subscribed}: the client's signal that every event published from then on reaches
 * it (docs/api.md, "Events and watch streams"). Without it the headers go out with the first message,
 * and a client cannot tell a quiet stream from one the server has not set up yet.
 *
 * <p>The generated stub sends headers itself before its first message; the call wrapped here sends
 * them once, whoever asks first.
 */
public final class WatchHeadersInterceptor implements ServerInterceptor {
    /** The header a watch stream's response headers carry once it is subscribed. */
    public static final Metadata.Key<String> WATCH = Metadata.Key.of("roost-watch", Metadata.ASCII_STRING_MARSHALLER);
    public static final String SUBSCRIBED = "subscribed";

    private static final Context.Key<Runnable> SEND_SUBSCRIBED = Context.key("roost-watch-subscribed");

    /** Sends the current call's response headers, marked subscribed; does nothing outside a server stream. */
    static void subscribed() {
        Runnable send = SEND_SUBSCRIBED.get();
        if (send != null) {
            send.run();
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                        ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.SERVER_STREAMING) {
            return next.startCall(call, headers);
        }
        HeadersOnce<Q, R> once = new HeadersOnce<>(call);
        return Contexts.interceptCall(Context.current().withValue(SEND_SUBSCRIBED, once::sendSubscribed), once,
                headers, next);
    }

    private static final class HeadersOnce<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final AtomicBoolean sent = new AtomicBoolean();

        HeadersOnce(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        void sendSubscribed() {
            Metadata headers = new Metadata();
            headers.put(WATCH, SUBSCRIBED);
            sendHeaders(headers);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            if (sent.compareAndSet(false, true)) {
                super.sendHeaders(headers);
            }
        }
    }
}
