package dev.roost.bench;

import dev.roost.proto.v1.DeviceServiceGrpc;
import dev.roost.proto.v1.DeviceServiceGrpc.DeviceServiceBlockingStub;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Codec;
import io.grpc.DecompressorRegistry;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DeviceService stubs over a few plaintext HTTP/2 connections, handed out in turn. Every call
 * carries the bearer token and the client deadline.
 */
final class DeviceStubs implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final int MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

    private final List<ManagedChannel> channels;
    private final List<DeviceServiceBlockingStub> stubs;
    private final Duration deadline;
    private final AtomicInteger next = new AtomicInteger();

    private DeviceStubs(List<ManagedChannel> channels, List<DeviceServiceBlockingStub> stubs, Duration deadline) {
        this.channels = channels;
        this.stubs = stubs;
        this.deadline = deadline;
    }

    static DeviceStubs connect(String target, int connections, String token, Duration deadline,
                               boolean acceptGzip) {
        List<ManagedChannel> channels = new ArrayList<>();
        List<DeviceServiceBlockingStub> stubs = new ArrayList<>();
        ClientInterceptor bearer = bearer(token);
        for (int i = 0; i < connections; i++) {
            NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target)
                    .usePlaintext()
                    .maxInboundMessageSize(MAX_RESPONSE_BYTES);
            if (!acceptGzip) {
                builder.decompressorRegistry(DecompressorRegistry.emptyInstance().with(Codec.Identity.NONE, true));
            }
            ManagedChannel channel = builder.build();
            channels.add(channel);
            stubs.add(DeviceServiceGrpc.newBlockingStub(channel).withInterceptors(bearer));
        }
        return new DeviceStubs(channels, stubs, deadline);
    }

    /** The next connection's stub, with a deadline starting now. */
    DeviceServiceBlockingStub next() {
        DeviceServiceBlockingStub stub = stubs.get(Math.floorMod(next.getAndIncrement(), stubs.size()));
        return stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static ClientInterceptor bearer(String token) {
        String value = "Bearer " + token;
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                         Channel channel) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(channel.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(AUTHORIZATION, value);
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels) {
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
