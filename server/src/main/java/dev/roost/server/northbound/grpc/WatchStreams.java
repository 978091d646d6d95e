package dev.roost.server.northbound.grpc;

import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.Subscription;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Pumps a subscription into a server stream on its own virtual thread, until the client cancels.
 * The stream's response headers go out as soon as the subscription is registered (see
 * {@link WatchHeadersInterceptor}). A watcher that fell behind its buffer gets RESOURCE_EXHAUSTED
 * instead of a silent gap.
 */
final class WatchStreams {
    private static final Duration POLL = Duration.ofMillis(500);

    private WatchStreams() {
    }

    /**
     * {@code subscription} must already be registered: the client is told it is subscribed.
     *
     * @return the thread that pumps, ending with the stream (tests join it)
     */
    static <T> Thread pump(Subscription subscription, StreamObserver<T> observer,
                         Function<DeviceEvent, Optional<T>> mapper) {
        if (observer instanceof ServerCallStreamObserver<T> call) {
            call.setOnCancelHandler(subscription::close);
        }
        try {
            WatchHeadersInterceptor.subscribed();
        } catch (RuntimeException e) {
            // The client went away before the headers went out: nothing will pump this subscription.
            subscription.close();
            throw e;
        }
        return Thread.ofVirtual().name("roost-watch").start(() -> {
            try {
                while (true) {
                    if (subscription.isClosed()) {
                        // A client that cancelled must get nothing more (RFC 9113 §6.4; CancelledCallInterceptor).
                        if (!cancelled(observer)) {
                            observer.onError(Status.UNAVAILABLE.withDescription("stream ended: the server is "
                                    + "stopping").asRuntimeException());
                        }
                        return;
                    }
                    Optional<DeviceEvent> next = subscription.next(POLL);
                    if (next.isPresent()) {
                        Optional<T> message = mapper.apply(next.get());
                        if (message.isPresent()) {
                            observer.onNext(message.get());
                        }
                    } else if (subscription.overflowed()) {
                        observer.onError(Status.RESOURCE_EXHAUSTED
                                .withDescription("watcher fell behind: its event buffer overflowed; watch again")
                                .asRuntimeException());
                        return;
                    } else if (cancelled(observer)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // The mapper failed (e.g. the database) or the client went away: end the stream with
                // a status rather than leave the client waiting.
                if (cancelled(observer)) {
                    return;
                }
                try {
                    observer.onError(Status.UNAVAILABLE.withDescription("watch stream failed; watch again")
                            .asRuntimeException());
                } catch (RuntimeException alreadyClosed) {
                    // Nothing left to tell.
                }
            } finally {
                subscription.close();
            }
        });
    }

    private static boolean cancelled(StreamObserver<?> observer) {
        return observer instanceof ServerCallStreamObserver<?> call && call.isCancelled();
    }
}
