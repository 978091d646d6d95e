package dev.roost.server.northbound.rest;

import dev.roost.server.error.RoostException;
import dev.roost.server.security.Authenticator;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Sources;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/**
 * Authenticates requests to the API paths (/api and /service) from "Authorization: Bearer". The
 * observe endpoints, the OpenAPI document and login stay open.
 */
public final class RestAuthFilter implements Filter {
    private final Authenticator authenticator;
    private final RestJson json;

    public RestAuthFilter(Authenticator authenticator, RestJson json) {
        this.authenticator = authenticator;
        this.json = json;
    }

    /** The authenticated caller of {@code request}. */
    static Caller caller(ServerRequest request) {
        return request.context().get(Caller.class, Caller.class)
                .orElseThrow(() -> new IllegalStateException("request was not authenticated"));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        String path = request.path().path();
        boolean protectedPath = path.startsWith("/api/") || path.startsWith("/service/");
        boolean login = path.equals("/api/v1/login") && request.prologue().method() == Method.POST;
        // A caller already set by a filter before this one (the legacy paths' open mode) stands.
        if (!protectedPath || login || request.context().get(Caller.class, Caller.class).isPresent()) {
            chain.proceed();
            return;
        }
        Caller caller;
        try {
            caller = authenticator.authenticate(bearer(request), Sources.host(request.remotePeer().address()));
        } catch (RoostException e) {
            json.fail(response, e.code(), e.getMessage());
            return;
        }
        request.context().register(Caller.class, caller);
        chain.proceed();
    }

    private static Optional<String> bearer(RoutingRequest request) {
        return request.headers().first(HeaderNames.AUTHORIZATION)
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).trim());
    }
}
