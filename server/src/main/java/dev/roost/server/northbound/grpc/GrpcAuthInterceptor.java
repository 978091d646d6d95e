package dev.roost.server.northbound.grpc;

import dev.roost.server.error.RoostException;
import dev.roost.server.security.Authenticator;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Sources;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.helidon.webserver.grpc.GrpcConnectionContext;
import io.helidon.webserver.grpc.ServerContextKeys;

import java.util.Optional;
import java.util.Set;

/**
 * Authenticates every call from its "authorization: Bearer" metadata and makes the
 * {@link Caller} available to the services through {@link #caller()}. Health, reflection and
 * Login need no token.
 */
public final class GrpcAuthInterceptor implements ServerInterceptor {
    private static final Context.Key<Caller> CALLER = Context.key("roost-caller");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> OPEN_SERVICES = Set.of("grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    private static final String LOGIN = "roost.v1.AccessService/Login";

    private final Authenticator authenticator;

    public GrpcAuthInterceptor(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** The authenticated caller of the current call. */
    static Caller caller() {
        Caller caller = CALLER.get();
        if (caller == null) {
            throw RoostException.unauthenticated("the call was not authenticated");
        }
        return caller;
    }

    /** The remote address of the current call, for rate limiting. */
    static String source() {
        GrpcConnectionContext connection = ServerContextKeys.CONNECTION_CONTEXT.get();
        if (connection == null) {
            return "unknown";
        }
        return Sources.host(connection.remotePeer().address());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                        ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String service = call.getMethodDescriptor().getServiceName();
        if (OPEN_SERVICES.contains(service) || LOGIN.equals(method)) {
            return next.startCall(call, headers);
        }
        Caller caller;
        try {
            caller = authenticator.authenticate(bearer(headers), source());
        } catch (RoostException e) {
            return GrpcErrors.closeWhenRequestRead(call, e);
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }

    private static Optional<String> bearer(Metadata headers) {
        String value = headers.get(AUTHORIZATION);
        if (value == null || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(value.substring(7).trim());
    }
}
