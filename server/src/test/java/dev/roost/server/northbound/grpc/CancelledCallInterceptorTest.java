package dev.roost.server.northbound.grpc;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CancelledCallInterceptorTest {
    private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            throw new UnsupportedOperationException();
        }
    };
    private static final MethodDescriptor<String, String> METHOD = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test/Method")
            .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();

    private final CancelledCallInterceptor interceptor = new CancelledCallInterceptor();
    private final RecordingCall transport = new RecordingCall();
    private ServerCall<String, String> seen;

    @Test
    void resetReportedToTheListener_dropsWhatTheServiceSendsNext_evenBeforeTheTransportSaysCancelled() {
        ServerCall.Listener<String> listener = interceptor.interceptCall(transport, new Metadata(), (call, headers) -> {
            seen = call;
            return new ServerCall.Listener<>() {
                @Override
                public void onCancel() {
                    // What a watch does on cancel: its pump may answer before the transport's flag is set.
                    call.close(Status.UNAVAILABLE, new Metadata());
                }
            };
        });
        seen.sendHeaders(new Metadata());

        listener.onCancel();
        seen.sendMessage("late");
        seen.close(Status.OK, new Metadata());

        assertThat(transport.written).containsExactly("headers");
        assertThat(seen.isCancelled()).isTrue();
        assertThat(interceptor.droppedAnswers()).as("one call, counted once").isEqualTo(1);
    }

    @Test
    void callTheTransportReportsCancelled_sendsNothing() {
        interceptor.interceptCall(transport, new Metadata(), (call, headers) -> {
            seen = call;
            return new ServerCall.Listener<>() { };
        });
        transport.cancelled = true;

        seen.sendHeaders(new Metadata());
        seen.sendMessage("late");
        seen.close(Status.OK, new Metadata());

        assertThat(transport.written).isEmpty();
        assertThat(interceptor.droppedAnswers()).isEqualTo(1);
    }

    @Test
    void answeredCall_sendsEverything_andNothingAfterItsStatus_withoutCountingADrop() {
        interceptor.interceptCall(transport, new Metadata(), (call, headers) -> {
            seen = call;
            return new ServerCall.Listener<>() { };
        });

        seen.sendHeaders(new Metadata());
        seen.sendMessage("answer");
        seen.close(Status.OK, new Metadata());
        // Helidon reports a call closed on both sides as cancelled.
        transport.cancelled = true;
        seen.close(Status.INTERNAL, new Metadata());

        assertThat(transport.written).containsExactly("headers", "answer", "OK");
        assertThat(interceptor.droppedAnswers()).isZero();
    }

    /** The transport's side of a call: what was written, and whether it reports the call cancelled. */
    private static final class RecordingCall extends ServerCall<String, String> {
        final List<String> written = new ArrayList<>();
        volatile boolean cancelled;

        @Override
        public void request(int numMessages) {
        }

        @Override
        public void sendHeaders(Metadata headers) {
            written.add("headers");
        }

        @Override
        public void sendMessage(String message) {
            written.add(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            written.add(status.getCode().name());
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }

        @Override
        public MethodDescriptor<String, String> getMethodDescriptor() {
            return METHOD;
        }
    }
}
