package dev.roost.server.northbound.rest;

import dev.roost.server.cluster.ClusterService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** REST adapter of {@link ClusterService} under /api/v1/cluster. */
public final class ClusterHttpService implements HttpService {
    private final ClusterService cluster;
    private final RestJson json;

    public ClusterHttpService(ClusterService cluster, RestJson json) {
        this.cluster = cluster;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/nodes", this::nodes);
    }

    private void nodes(ServerRequest request, ServerResponse response) {
        json.ok(response, cluster.nodes(RestAuthFilter.caller(request)));
    }
}
