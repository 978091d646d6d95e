package dev.roost.server.northbound.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.roost.server.error.RoostException;
import io.grpc.Attributes;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves the parsing of request messages from Helidon into the call, so that a malformed message
 * fails the call with INVALID_ARGUMENT through {@link GrpcErrorInterceptor}. Helidon 4.5 parses
 * before any interceptor runs and, when parsing fails, only logs and never answers: the client
 * waits for its deadline. With this, Helidon hands each request on as bytes; responses are unchanged.
 */
public final class RequestParsing {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        /**
         * Sized by {@code available()} (Helidon's request stream knows the message's length):
         * {@code readAllBytes} alone starts with a 16 KiB buffer on every call, for a request of a
         * few bytes (docs/benchmarks.md, "Northbound GetDevice against a bare Helidon gRPC server").
         */
        @Override
        public byte[] parse(InputStream stream) {
            try {
                int known = stream.available();
                if (known <= 0) {
                    return stream.readAllBytes();
                }
                byte[] message = stream.readNBytes(known);
                int next = stream.read();
                if (next < 0) {
                    return message;
                }
                byte[] rest = stream.readAllBytes();
                byte[] all = new byte[message.length + 1 + rest.length];
                System.arraycopy(message, 0, all, 0, message.length);
                all[message.length] = (byte) next;
                System.arraycopy(rest, 0, all, message.length + 1, rest.length);
                return all;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private RequestParsing() {
    }

    /** The service, with each method's request parsed inside the call. */
    public static BindableService inCall(BindableService service) {
        ServerServiceDefinition definition = inCall(service.bindService());
        return () -> definition;
    }

    static ServerServiceDefinition inCall(ServerServiceDefinition definition) {
        ServiceDescriptor original = definition.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
            ServerMethodDefinition<?, ?> raw = inCall(method);
            methods.add(raw);
            descriptor.addMethod(raw.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return builder.build();
    }

    private static <Q, R> ServerMethodDefinition<byte[], R> inCall(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> typed = method.getMethodDescriptor();
        MethodDescriptor<byte[], R> raw = typed.toBuilder(BYTES, typed.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = method.getServerCallHandler();
        return ServerMethodDefinition.create(raw, (call, headers) -> {
            ServerCall.Listener<Q> listener = handler.startCall(new TypedCall<>(call, typed), headers);
            return new ServerCall.Listener<>() {
                private boolean malformed;

                @Override
                public void onMessage(byte[] message) {
                    if (malformed) {
                        return;
                    }
                    Q parsed;
                    try {
                        parsed = parse(typed, message);
                    } catch (RuntimeException e) {
                        malformed = true;            // nothing more reaches the service: the call is failed
                        throw RoostException.invalid("request", "is not a valid "
                                + typed.getFullMethodName() + " request message");
                    }
                    listener.onMessage(parsed);
                }

                @Override
                public void onHalfClose() {
                    if (!malformed) {
                        listener.onHalfClose();
                    }
                }

                @Override
                public void onCancel() {
                    listener.onCancel();
                }

                @Override
                public void onComplete() {
                    listener.onComplete();
                }

                @Override
                public void onReady() {
                    if (!malformed) {
                        listener.onReady();
                    }
                }
            };
        });
    }

    /**
     * Protobuf requests straight from the array; through a stream, protobuf would first copy them
     * into a fresh 4 KiB buffer.
     */
    @SuppressWarnings("unchecked")
    private static <Q> Q parse(MethodDescriptor<Q, ?> method, byte[] message) {
        if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> proto
                && proto.getMessagePrototype() instanceof MessageLite prototype) {
            try {
                return (Q) prototype.getParserForType().parseFrom(message);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return method.parseRequest(new ByteArrayInputStream(message));
    }

    /** The call as the service sees it: its typed method descriptor, everything else Helidon's call. */
    private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<byte[], R> call;
        private final MethodDescriptor<Q, R> method;

        TypedCall(ServerCall<byte[], R> call, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            call.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            call.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }
}
