package dev.roost.server.northbound.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.status.DesiredStateService;
import dev.roost.server.status.StatusService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** REST adapter of status and desired state under /api/v1/devices/{id}/status and /desired. */
public final class StatusHttpService implements HttpService {
    private final StatusService status;
    private final DesiredStateService desired;
    private final RestJson json;

    public StatusHttpService(StatusService status, DesiredStateService desired, RestJson json) {
        this.status = status;
        this.desired = desired;
        this.json = json;
    }

    /** Body of a desired-state update: a merge patch and the version it expects (0 = any). */
    record DesiredPatch(ObjectNode patch, Long expectedVersion) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{id}/status", this::get)
                .get("/{id}/status/history", this::history)
                .get("/{id}/desired", this::getDesired)
                .patch("/{id}/desired", this::updateDesired);
    }

    private void get(ServerRequest request, ServerResponse response) {
        json.ok(response, status.get(RestAuthFilter.caller(request), id(request)));
    }

    private void history(ServerRequest request, ServerResponse response) {
        json.ok(response, status.history(RestAuthFilter.caller(request), id(request),
                Queries.instant(request, "since"), Queries.instant(request, "until"), Queries.page(request)));
    }

    private void getDesired(ServerRequest request, ServerResponse response) {
        json.ok(response, desired.get(RestAuthFilter.caller(request), id(request)));
    }

    private void updateDesired(ServerRequest request, ServerResponse response) {
        DesiredPatch body = json.body(request, DesiredPatch.class);
        json.ok(response, desired.update(RestAuthFilter.caller(request), id(request), body.patch(),
                body.expectedVersion() == null ? 0 : body.expectedVersion()));
    }

    private static DeviceId id(ServerRequest request) {
        return DeviceId.parse("id", Queries.path(request, "id"));
    }
}
