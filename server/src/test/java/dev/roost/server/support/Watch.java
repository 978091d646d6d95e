package dev.roost.server.support;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gRPC watch stream as a client sees it: the response headers, which the server sends once the
 * subscription is in place ({@code roost-watch: subscribed}), then the messages in order. The
 * stream is cancelled on close.
 *
 * @param <T> the streamed message type
 */
public final class Watch<T> implements AutoCloseable {
    private static final Metadata.Key<String> WATCH = Metadata.Key.of("roost-watch", Metadata.ASCII_STRING_MARSHALLER);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CompletableFuture<Metadata> headers = new CompletableFuture<>();
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final Context.CancellableContext context = Context.current().withCancellation();

    private Watch() {
    }

    /**
     * Starts a watch: {@code call} gets a channel that reports the response headers and the observer
     * to stream into, e.g. {@code (channel, observer) -> EventServiceGrpc.newStub(channel).watch(request, observer)}.
     */
    public static <T> Watch<T> start(Channel channel, BiConsumer<Channel, StreamObserver<T>> call) {
        Watch<T> watch = new Watch<>();
        Channel reporting = ClientInterceptors.intercept(channel, watch.headerReporter());
        watch.context.run(() -> call.accept(reporting, watch.observer()));
        return watch;
    }

    /** Starts a watch and returns once the server says its subscription is in place. */
    public static <T> Watch<T> subscribed(Channel channel, BiConsumer<Channel, StreamObserver<T>> call) {
        Watch<T> watch = start(channel, call);
        try {
            watch.awaitSubscribed();
        } catch (RuntimeException | AssertionError e) {
            watch.close();
            throw e;
        }
        return watch;
    }

    /** Waits for the response headers and asserts they say the stream is subscribed. */
    public void awaitSubscribed() {
        Metadata metadata;
        try {
            metadata = headers.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no response headers within " + WAIT + "; received " + received);
        } catch (ExecutionException e) {
            throw new AssertionError("the stream ended before its headers: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for the response headers");
        }
        assertThat(metadata.get(WATCH)).as("the roost-watch response header").isEqualTo("subscribed");
    }

    /** Whether the response headers have arrived (without waiting). */
    public boolean headersArrived() {
        return headers.isDone() && !headers.isCompletedExceptionally();
    }

    /** The next message; fails on a stream error, on the stream's end, or after a bounded wait. */
    @SuppressWarnings("unchecked")
    public T next() throws InterruptedException {
        Object next = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(next).as("a streamed message within " + WAIT).isNotNull();
        if (next instanceof Throwable failure) {
            throw new AssertionError("the stream failed: " + failure, failure);
        }
        assertThat(next).as("a streamed message, not the stream's end").isNotEqualTo(Ended.COMPLETED);
        return (T) next;
    }

    /** Whether the stream has failed or ended (without waiting); messages before that may be untaken. */
    public boolean ended() {
        return received.stream().anyMatch(item -> item instanceof Throwable || item == Ended.COMPLETED);
    }

    /** What arrived so far and has not been taken by {@link #next()}: messages, a failure, the end. */
    public String pending() {
        return received.toString();
    }

    @Override
    public void close() {
        context.cancel(null);
    }

    private enum Ended { COMPLETED }

    private StreamObserver<T> observer() {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
                headers.completeExceptionally(t);
                received.add(t);
            }

            @Override
            public void onCompleted() {
                headers.completeExceptionally(new IllegalStateException("completed"));
                received.add(Ended.COMPLETED);
            }
        };
    }

    private ClientInterceptor headerReporter() {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                         Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata requestHeaders) {
                        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onHeaders(Metadata metadata) {
                                headers.complete(metadata);
                                super.onHeaders(metadata);
                            }
                        }, requestHeaders);
                    }
                };
            }
        };
    }
}
