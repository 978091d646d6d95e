package dev.roost.server.northbound.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.command.Command;
import dev.roost.server.command.CommandFilter;
import dev.roost.server.command.CommandId;
import dev.roost.server.command.CommandService;
import dev.roost.server.command.CommandState;
import dev.roost.server.command.GroupCommandId;
import dev.roost.server.command.NewCommand;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.error.RoostException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * REST adapter of {@link CommandService}: POST /api/v1/devices/{id}/commands,
 * POST /api/v1/groups/{id}/commands, /api/v1/commands and /api/v1/group-commands.
 */
public final class CommandHttpService {
    private final CommandService commands;
    private final RestJson json;

    public CommandHttpService(CommandService commands, RestJson json) {
        this.commands = commands;
        this.json = json;
    }

    /** Body of a send. */
    record SendBody(String name, ObjectNode params, Long timeoutMs, Instant deliveryDeadline, String idempotencyKey,
                    Long waitTimeoutMs) {
        NewCommand command() {
            if (timeoutMs != null && timeoutMs < 0) {
                throw RoostException.invalid("timeout_ms", "must not be negative");
            }
            return new NewCommand(name, params, Optional.ofNullable(timeoutMs).map(Duration::ofMillis),
                    Optional.ofNullable(deliveryDeadline), Optional.ofNullable(idempotencyKey));
        }

        Duration waitTimeout() {
            return Duration.ofMillis(waitTimeoutMs == null ? 0 : waitTimeoutMs);
        }
    }

    record CancelBody(String reason) {
    }

    /** Routes under /api/v1/devices. */
    public HttpService deviceRoutes() {
        return rules -> rules.post("/{id}/commands", this::sendToDevice);
    }

    /** Routes under /api/v1/groups. */
    public HttpService groupRoutes() {
        return rules -> rules.post("/{id}/commands", this::sendToGroup);
    }

    /** Routes under /api/v1. */
    public HttpService commandRoutes() {
        return this::commandRules;
    }

    private void commandRules(HttpRules rules) {
        rules.get("/commands", this::list)
                .get("/commands/{id}", this::get)
                .post("/commands/{id}/cancel", this::cancel)
                .get("/group-commands/{id}", this::getGroup);
    }

    private void sendToDevice(ServerRequest request, ServerResponse response) {
        SendBody body = json.body(request, SendBody.class);
        json.created(response, commands.sendAndWait(RestAuthFilter.caller(request),
                DeviceId.parse("id", Queries.path(request, "id")), body.command(), body.waitTimeout()));
    }

    private void sendToGroup(ServerRequest request, ServerResponse response) {
        SendBody body = json.body(request, SendBody.class);
        if (body.waitTimeoutMs() != null && body.waitTimeoutMs() != 0) {
            throw RoostException.invalid("wait_timeout_ms", "is not supported for group commands; poll "
                    + "GET /api/v1/group-commands/{id} or watch the commands over gRPC");
        }
        json.created(response, commands.sendToGroup(RestAuthFilter.caller(request),
                GroupId.parse("id", Queries.path(request, "id")), body.command()));
    }

    private void list(ServerRequest request, ServerResponse response) {
        Set<CommandState> states = EnumSet.noneOf(CommandState.class);
        for (String state : Queries.all(request, "state")) {
            try {
                states.add(CommandState.valueOf(state.toUpperCase()));
            } catch (IllegalArgumentException e) {
                throw RoostException.invalid("state", "unknown command state '" + state + "'");
            }
        }
        CommandFilter filter = new CommandFilter(
                Queries.first(request, "device_id").map(id -> DeviceId.parse("device_id", id)),
                Queries.first(request, "group_command_id").map(id -> GroupCommandId.parse("group_command_id", id)), states);
        json.ok(response, commands.list(RestAuthFilter.caller(request), filter, Queries.page(request)));
    }

    private void get(ServerRequest request, ServerResponse response) {
        int wait = Queries.integer(request, "wait_timeout_ms", 0);
        if (wait < 0) {
            throw RoostException.invalid("wait_timeout_ms", "must not be negative");
        }
        json.ok(response, commands.get(RestAuthFilter.caller(request), CommandId.parse("id", Queries.path(request, "id")),
                Duration.ofMillis(wait)));
    }

    private void cancel(ServerRequest request, ServerResponse response) {
        CancelBody body = json.optionalBody(request, CancelBody.class, new CancelBody(""));
        json.ok(response, commands.cancel(RestAuthFilter.caller(request),
                CommandId.parse("id", Queries.path(request, "id")), body.reason()));
    }

    private void getGroup(ServerRequest request, ServerResponse response) {
        json.ok(response, commands.getGroup(RestAuthFilter.caller(request),
                GroupCommandId.parse("id", Queries.path(request, "id"))));
    }
}
