package dev.roost.server.northbound.rest;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.device.DeviceService;
import dev.roost.server.event.EventQuery;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.HashSet;
import java.util.stream.Collectors;

/** REST adapter of the event history under /api/v1/events. */
public final class EventHttpService implements HttpService {
    private final DeviceService devices;
    private final RestJson json;

    public EventHttpService(DeviceService devices, RestJson json) {
        this.devices = devices;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list);
    }

    private void list(ServerRequest request, ServerResponse response) {
        EventQuery query = new EventQuery(
                Queries.all(request, "device_id").stream().map(id -> DeviceId.parse("device_id", id))
                        .collect(Collectors.toSet()),
                Queries.first(request, "group_id").map(id -> GroupId.parse("group_id", id)),
                new HashSet<>(Queries.all(request, "type")),
                Queries.instant(request, "since"), Queries.instant(request, "until"));
        json.ok(response, devices.events(RestAuthFilter.caller(request), query, Queries.page(request)));
    }
}
