package dev.roost.server.northbound.rest;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.error.RoostException;
import dev.roost.server.group.GroupService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** REST adapter of {@link GroupService} under /api/v1/groups. */
public final class GroupHttpService implements HttpService {
    private final GroupService groups;
    private final RestJson json;

    public GroupHttpService(GroupService groups, RestJson json) {
        this.groups = groups;
        this.json = json;
    }

    record NewGroup(String name, String description) {
    }

    record GroupChange(Optional<String> name, Optional<String> description) {
    }

    record Members(List<String> deviceIds) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create)
                .get("/", this::list)
                .get("/by-name/{name}", this::byName)
                .get("/{id}", this::get)
                .patch("/{id}", this::update)
                .delete("/{id}", this::delete)
                .get("/{id}/members", this::members)
                .post("/{id}/members", this::addMembers)
                .post("/{id}/members/remove", this::removeMembers)
                .get("/{id}/members/{device_id}", this::isMember);
    }

    private void create(ServerRequest request, ServerResponse response) {
        NewGroup body = json.body(request, NewGroup.class);
        json.created(response, groups.create(RestAuthFilter.caller(request), body.name(), body.description()));
    }

    private void list(ServerRequest request, ServerResponse response) {
        json.ok(response, groups.list(RestAuthFilter.caller(request), Queries.first(request, "name_prefix"),
                Queries.page(request)));
    }

    private void byName(ServerRequest request, ServerResponse response) {
        json.ok(response, groups.getByName(RestAuthFilter.caller(request), Queries.path(request, "name")));
    }

    private void get(ServerRequest request, ServerResponse response) {
        json.ok(response, groups.get(RestAuthFilter.caller(request), id(request)));
    }

    private void update(ServerRequest request, ServerResponse response) {
        GroupChange body = json.body(request, GroupChange.class);
        json.ok(response, groups.update(RestAuthFilter.caller(request), id(request), orEmpty(body.name()),
                orEmpty(body.description())));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        groups.delete(RestAuthFilter.caller(request), id(request));
        json.ok(response, Map.of("deleted", true));
    }

    private void members(ServerRequest request, ServerResponse response) {
        json.ok(response, groups.members(RestAuthFilter.caller(request), id(request), Queries.page(request)));
    }

    private void addMembers(ServerRequest request, ServerResponse response) {
        json.ok(response, groups.addMembers(RestAuthFilter.caller(request), id(request), deviceIds(request)));
    }

    private void removeMembers(ServerRequest request, ServerResponse response) {
        json.ok(response, groups.removeMembers(RestAuthFilter.caller(request), id(request), deviceIds(request)));
    }

    private void isMember(ServerRequest request, ServerResponse response) {
        json.ok(response, Map.of("member", groups.isMember(RestAuthFilter.caller(request), id(request),
                DeviceId.parse("device_id", Queries.path(request, "device_id")))));
    }

    private List<DeviceId> deviceIds(ServerRequest request) {
        Members body = json.body(request, Members.class);
        if (body.deviceIds() == null) {
            throw RoostException.invalid("device_ids", "is required");
        }
        return body.deviceIds().stream().map(id -> DeviceId.parse("device_ids", id)).toList();
    }

    private static GroupId id(ServerRequest request) {
        return GroupId.parse("id", Queries.path(request, "id"));
    }

    private static <T> Optional<T> orEmpty(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }
}
