package dev.roost.cli;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A gRPC server that takes every call and never answers it, recording the deadline each call
 * carried (its {@code grpc-timeout} header).
 */
final class NeverAnsweringServer implements AutoCloseable {
    private static final Metadata.Key<String> TIMEOUT = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
    private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return new ByteArrayInputStream(new byte[0]);
        }
    };

    private final Server server;
    private final List<String> timeouts = new CopyOnWriteArrayList<>();

    NeverAnsweringServer() {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .fallbackHandlerRegistry(new HandlerRegistry() {
                        @Override
                        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
                            return ServerMethodDefinition.create(MethodDescriptor.<InputStream, InputStream>newBuilder()
                                    .setType(MethodDescriptor.MethodType.UNKNOWN).setFullMethodName(methodName)
                                    .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build(), (call, headers) -> {
                                        timeouts.add(String.valueOf(headers.get(TIMEOUT)));
                                        call.request(1);
                                        return new ServerCall.Listener<>() {
                                        };
                                    });
                        }
                    })
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    /** The deadline of each call received so far, as the client sent it. */
    List<Duration> deadlines() {
        return timeouts.stream().map(NeverAnsweringServer::duration).toList();
    }

    /** A {@code grpc-timeout} value: digits and a unit (H, M, S, m, u, n). */
    private static Duration duration(String header) {
        long amount = Long.parseLong(header.substring(0, header.length() - 1));
        ChronoUnit unit = switch (header.charAt(header.length() - 1)) {
            case 'H' -> ChronoUnit.HOURS;
            case 'M' -> ChronoUnit.MINUTES;
            case 'S' -> ChronoUnit.SECONDS;
            case 'm' -> ChronoUnit.MILLIS;
            case 'u' -> ChronoUnit.MICROS;
            case 'n' -> ChronoUnit.NANOS;
            default -> throw new IllegalArgumentException("not a grpc-timeout: " + header);
        };
        return Duration.of(amount, unit);
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
