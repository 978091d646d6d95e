package dev.roost.server.northbound.grpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcRouting;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the Helidon defect that {@link CancelledCallInterceptor} works around, on a bare Helidon gRPC
 * server without it: an answer written after the client reset the call ends the whole connection
 * (GOAWAY PROTOCOL_ERROR once the client answers the stray frames and a newer stream is open;
 * docs/upstream/helidon-http2-closed-streams.md, §1). When this test fails, the Helidon on the
 * classpath no longer does so: delete the interceptor and this test (docs/architecture.md, Helidon
 * workarounds).
 */
class HelidonLateAnswerTest {
    private static final long WAIT_SECONDS = 10;
    private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<String, String> SLOW = method("Slow", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<String, String> HOLD = method("Hold",
            MethodDescriptor.MethodType.SERVER_STREAMING);

    private final CountDownLatch slowCalled = new CountDownLatch(1);
    private final CountDownLatch answerNow = new CountDownLatch(1);
    private final CountDownLatch answered = new CountDownLatch(1);

    @Test
    void helidon_answerOnAStreamTheClientReset_endsTheConnection() throws Exception {
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .addRouting(GrpcRouting.builder().service(service()))
                .build()
                .start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            Future<String> slow = ClientCalls.futureUnaryCall(channel.newCall(SLOW, CallOptions.DEFAULT), "request");
            assertThat(slowCalled.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            slow.cancel(true);

            // A newer stream, open once its first message arrives; the reset came before it on the wire.
            BlockingQueue<Object> held = new LinkedBlockingQueue<>();
            ClientCalls.asyncServerStreamingCall(channel.newCall(HOLD, CallOptions.DEFAULT), "request",
                    recording(held));
            assertThat(held.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("open");

            answerNow.countDown();
            assertThat(answered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

            Object end = held.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(end).as("the held stream fails with its connection").isInstanceOf(Throwable.class);
            // INTERNAL "Abrupt GOAWAY ... PROTOCOL_ERROR", or UNAVAILABLE when the client's next write
            // meets the closed socket before it reads the GOAWAY.
            Status status = Status.fromThrowable((Throwable) end);
            assertThat(status.getCode()).as("%s", status).isIn(Status.Code.INTERNAL, Status.Code.UNAVAILABLE);
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
            server.stop();
        }
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder("test.Late")
                .addMethod(SLOW, ServerCalls.asyncUnaryCall((String request, StreamObserver<String> observer) -> {
                    slowCalled.countDown();
                    try {
                        answerNow.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    observer.onNext("late");
                    observer.onCompleted();
                    answered.countDown();
                }))
                .addMethod(HOLD, ServerCalls.asyncServerStreamingCall(
                        (String request, StreamObserver<String> observer) -> observer.onNext("open")))
                .build();
    }

    private static StreamObserver<String> recording(BlockingQueue<Object> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
                into.add(t);
            }

            @Override
            public void onCompleted() {
                into.add("completed");
            }
        };
    }

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Late", name))
                .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();
    }
}
