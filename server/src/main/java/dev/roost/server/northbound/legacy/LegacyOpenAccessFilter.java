package dev.roost.server.northbound.legacy;

import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.net.InetSocketAddress;

/**
 * With {@code roost.legacy.rest.open}: a request to the legacy paths that carries no
 * {@code Authorization} header and comes from a trusted network gets an operator caller named
 * {@code legacy:<address>}, so that the bearer-token filter after it lets it through. Any other
 * request is left to that filter. Registered before the bearer-token filter.
 */
public final class LegacyOpenAccessFilter implements Filter {
    public static final String PATH = "/service/devices_manage";

    private final LegacyRestSettings settings;

    public LegacyOpenAccessFilter(LegacyRestSettings settings) {
        this.settings = settings;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        String path = request.path().path();
        if (settings.open()
                && (path.equals(PATH) || path.startsWith(PATH + "/"))
                && request.headers().first(HeaderNames.AUTHORIZATION).isEmpty()
                && request.remotePeer().address() instanceof InetSocketAddress peer
                && peer.getAddress() != null
                && settings.trusts(peer.getAddress())) {
            request.context().register(Caller.class,
                    new Caller("legacy:" + peer.getAddress().getHostAddress(), Role.OPERATOR, 0, 0));
        }
        chain.proceed();
    }
}
