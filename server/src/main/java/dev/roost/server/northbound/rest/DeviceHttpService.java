package dev.roost.server.northbound.rest;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.GroupId;
import dev.roost.server.device.DeviceFilter;
import dev.roost.server.device.DeviceService;
import dev.roost.server.device.DeviceUpdate;
import dev.roost.server.device.Hardware;
import dev.roost.server.device.NewDevice;
import dev.roost.server.error.RoostException;
import dev.roost.server.group.GroupService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** REST adapter of {@link DeviceService} under /api/v1/devices. */
public final class DeviceHttpService implements HttpService {
    private final DeviceService devices;
    private final GroupService groups;
    private final RestJson json;

    public DeviceHttpService(DeviceService devices, GroupService groups, RestJson json) {
        this.devices = devices;
        this.groups = groups;
        this.json = json;
    }

    /** Body of the lifecycle operations. */
    record Reason(String reason) {
    }

    /** Body of rotate-secret. */
    record SecretBody(Optional<String> secret) {
    }

    record Secret(String secret) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::register)
                .get("/", this::list)
                .get("/by-hardware", this::byHardware)
                .get("/{id}", this::get)
                .patch("/{id}", this::update)
                .delete("/{id}", (req, res) -> lifecycle(req, res, "decommission"))
                .post("/{id}/disable", (req, res) -> lifecycle(req, res, "disable"))
                .post("/{id}/enable", (req, res) -> lifecycle(req, res, "enable"))
                .post("/{id}/decommission", (req, res) -> lifecycle(req, res, "decommission"))
                .post("/{id}/rotate-secret", this::rotateSecret)
                .get("/{id}/events", this::events)
                .get("/{id}/groups", this::groups);
    }

    private void register(ServerRequest request, ServerResponse response) {
        NewDevice body = json.body(request, NewDevice.class);
        json.created(response, devices.register(RestAuthFilter.caller(request), body));
    }

    private void list(ServerRequest request, ServerResponse response) {
        Set<DeviceState> states = EnumSet.noneOf(DeviceState.class);
        for (String state : Queries.all(request, "state")) {
            try {
                states.add(DeviceState.valueOf(state.toUpperCase()));
            } catch (IllegalArgumentException e) {
                throw RoostException.invalid("state", "unknown state '" + state + "'");
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String label : Queries.all(request, "label")) {
            int eq = label.indexOf('=');
            if (eq <= 0) {
                throw RoostException.invalid("label", "must be key=value, was '" + label + "'");
            }
            labels.put(label.substring(0, eq), label.substring(eq + 1));
        }
        DeviceFilter filter = new DeviceFilter(states,
                Queries.first(request, "group_id").map(id -> GroupId.parse("group_id", id)), labels,
                Queries.first(request, "name_prefix"), Queries.first(request, "model_prefix"));
        json.ok(response, devices.list(RestAuthFilter.caller(request), filter, Queries.page(request)));
    }

    private void byHardware(ServerRequest request, ServerResponse response) {
        Hardware hardware = new Hardware(Queries.first(request, "serial").orElse(""),
                Queries.first(request, "model").orElse(""));
        json.ok(response, devices.getByHardware(RestAuthFilter.caller(request), hardware));
    }

    private void get(ServerRequest request, ServerResponse response) {
        json.ok(response, devices.get(RestAuthFilter.caller(request), id(request)));
    }

    private void update(ServerRequest request, ServerResponse response) {
        DeviceUpdate update = json.body(request, DeviceUpdate.class);
        json.ok(response, devices.update(RestAuthFilter.caller(request), id(request), update));
    }

    private void lifecycle(ServerRequest request, ServerResponse response, String operation) {
        String reason = json.optionalBody(request, Reason.class, new Reason("")).reason();
        var caller = RestAuthFilter.caller(request);
        DeviceId id = id(request);
        json.ok(response, switch (operation) {
            case "disable" -> devices.disable(caller, id, reason);
            case "enable" -> devices.enable(caller, id, reason);
            default -> devices.decommission(caller, id, reason);
        });
    }

    private void rotateSecret(ServerRequest request, ServerResponse response) {
        SecretBody body = json.optionalBody(request, SecretBody.class, new SecretBody(Optional.empty()));
        json.ok(response, new Secret(devices.rotateSecret(RestAuthFilter.caller(request), id(request),
                body.secret() == null ? Optional.empty() : body.secret())));
    }

    private void events(ServerRequest request, ServerResponse response) {
        json.ok(response, devices.events(RestAuthFilter.caller(request), id(request), Queries.page(request)));
    }

    private void groups(ServerRequest request, ServerResponse response) {
        json.ok(response, groups.groupsOf(RestAuthFilter.caller(request), id(request)));
    }

    private static DeviceId id(ServerRequest request) {
        return DeviceId.parse("id", Queries.path(request, "id"));
    }
}
