package dev.roost.server.northbound;

import dev.roost.proto.v1.GroupServiceGrpc;
import dev.roost.proto.v1.ListGroupsRequest;
import dev.roost.server.support.TestServer;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A request message that is not valid protobuf is answered INVALID_ARGUMENT, not left to the deadline. */
class MalformedGrpcRequestTest {
    /** Field 1, wire type 2 (length-delimited), length 100, then 1 byte: truncated. */
    private static final byte[] MALFORMED = {0x0a, 100, 0x01};
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static MethodDescriptor<byte[], byte[]> raw(String fullMethodName, MethodDescriptor.MethodType type) {
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        return MethodDescriptor.<byte[], byte[]>newBuilder(bytes, bytes).setFullMethodName(fullMethodName)
                .setType(type).build();
    }

    private static CallOptions options() {
        return CallOptions.DEFAULT.withCallCredentials(TestServer.bearer(TestServer.ADMIN_TOKEN))
                .withDeadlineAfter(TestServer.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void unaryCall_withMalformedMessage_isInvalidArgument_andTheConnectionKeepsWorking() {
        MethodDescriptor<byte[], byte[]> createGroup = raw("roost.v1.GroupService/CreateGroup",
                MethodDescriptor.MethodType.UNARY);

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(server.channel(), createGroup, options(), MALFORMED));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription())
                .isEqualTo("request: is not a valid roost.v1.GroupService/CreateGroup request message");
        assertThat(GroupServiceGrpc.newBlockingStub(server.channel()).withCallCredentials(TestServer.bearer(
                TestServer.ADMIN_TOKEN)).listGroups(ListGroupsRequest.getDefaultInstance())).isNotNull();
    }

    @Test
    void serverStream_withMalformedMessage_isInvalidArgument() {
        MethodDescriptor<byte[], byte[]> watch = raw("roost.v1.EventService/Watch",
                MethodDescriptor.MethodType.SERVER_STREAMING);

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingServerStreamingCall(server.channel(), watch, options(), MALFORMED).hasNext());

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void unauthenticatedCall_withMalformedMessage_isStillUnauthenticated() {
        MethodDescriptor<byte[], byte[]> createGroup = raw("roost.v1.GroupService/CreateGroup",
                MethodDescriptor.MethodType.UNARY);

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(server.channel(), createGroup,
                        CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), MALFORMED));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }
}
