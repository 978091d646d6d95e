package dev.roost.cli.connect;

import dev.roost.cli.CliException;
import dev.roost.cli.ExitCodes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A gRPC channel to the target that sends the bearer token on every call. Stubs come with a deadline:
 * the {@code --timeout}, or one the caller chooses for calls that wait on a device, measured on the
 * environment's deadline ticker.
 */
public final class Connection implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel managed;
    private final Channel channel;
    private final Target target;
    private final Duration timeout;
    private final Deadline.Ticker ticker;

    private Connection(ManagedChannel managed, Channel channel, Target target, Duration timeout,
                       Deadline.Ticker ticker) {
        this.managed = managed;
        this.channel = channel;
        this.target = target;
        this.timeout = timeout;
        this.ticker = ticker;
    }

    /** Opens a channel lazily: nothing is sent before the first call. */
    public static Connection open(Target target, Duration timeout, Deadline.Ticker ticker) {
        ManagedChannel managed = NettyChannelBuilder
                .forAddress(target.server().host(), target.server().port(), credentials(target))
                .userAgent("roost-cli")
                .build();
        Channel channel = managed;
        if (target.token().isPresent()) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + target.token().get());
            channel = ClientInterceptors.intercept(managed, MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return new Connection(managed, channel, target, timeout, ticker);
    }

    private static ChannelCredentials credentials(Target target) {
        if (!target.tls()) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        if (target.caCert().isPresent()) {
            try {
                tls.trustManager(target.caCert().get().toFile());
            } catch (IOException e) {
                throw new CliException(ExitCodes.FAILED, "cannot read the CA certificate " + target.caCert().get()
                        + ": " + e.getMessage());
            }
        }
        return tls.build();
    }

    public Target target() {
        return target;
    }

    public Duration timeout() {
        return timeout;
    }

    /** A stub whose calls must finish within {@code --timeout}. */
    public <S extends AbstractStub<S>> S stub(Function<Channel, S> factory) {
        return stub(factory, timeout);
    }

    /** A stub whose calls must finish within {@code deadline}. */
    public <S extends AbstractStub<S>> S stub(Function<Channel, S> factory, Duration deadline) {
        return factory.apply(channel).withDeadline(Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS, ticker));
    }

    /**
     * A stub without deadline, for watch streams that run until the user stops them;
     * {@code onSubscribed} runs when the server's response headers arrive, which it sends once the
     * subscription is in place (docs/api.md).
     */
    public <S extends AbstractStub<S>> S watchStub(Function<Channel, S> factory, Runnable onSubscribed) {
        return factory.apply(channel).withInterceptors(new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                         Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onHeaders(Metadata responseHeaders) {
                                onSubscribed.run();
                                super.onHeaders(responseHeaders);
                            }
                        }, headers);
                    }
                };
            }
        });
    }

    @Override
    public void close() {
        managed.shutdownNow();
        try {
            managed.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
