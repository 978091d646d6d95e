package dev.roost.server.northbound.legacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.command.Command;
import dev.roost.server.command.CommandService;
import dev.roost.server.command.CommandState;
import dev.roost.server.command.NewCommand;
import dev.roost.server.common.DeviceId;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.security.Caller;
import dev.roost.server.status.StatusService;
import io.helidon.webserver.http.ServerRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code give_order}: one order to a connected device, answered with the device's result within
 * {@link #ORDER_WAIT}, as the legacy system did: an offline device fails at once (the order is not
 * queued for later), and a device has at most one legacy order in flight.
 */
final class LegacyOrderOperations {
    private static final System.Logger LOG = System.getLogger(LegacyOrderOperations.class.getName());
    /** How long the legacy system waited for the device's answer. */
    static final Duration ORDER_WAIT = Duration.ofSeconds(10);

    private final CommandService commands;
    private final StatusService status;
    private final ObjectMapper json;
    private final int maxBodyBytes;
    private final Clock clock;
    /** Devices with a legacy order in flight. */
    private final Set<Long> busy = ConcurrentHashMap.newKeySet();

    LegacyOrderOperations(CommandService commands, StatusService status, ObjectMapper json, int maxBodyBytes,
                          Clock clock) {
        this.commands = commands;
        this.status = status;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    JsonNode giveOrder(ServerRequest request, Caller caller) {
        LegacyBody body = LegacyBody.read(request, json, maxBodyBytes).require("device_id", "order");
        JsonNode order = body.raw().get("order");
        if (order == null || !order.isTextual()) {
            throw LegacyFailure.untyped("order must be string.");
        }
        String name = order.asText();
        boolean builtIn = name.equals("restart") || name.equals("upload_log");
        JsonNode params = body.raw().get("params");
        if (!builtIn && (params == null || !params.isObject())) {
            throw LegacyFailure.untyped("invalid JSON.");
        }
        Optional<DeviceId> device = body.id("device_id").map(DeviceId::new);
        if (device.isEmpty() || !online(caller, device.get())) {
            throw LegacyFailure.untyped("Device is offline!");
        }
        if (!busy.add(device.get().value())) {
            throw LegacyFailure.untyped("Device busy!");
        }
        try {
            return run(caller, device.get(), name.equals("restart") ? Command.REBOOT : name,
                    builtIn ? JsonNodeFactory.instance.objectNode() : (ObjectNode) params);
        } finally {
            busy.remove(device.get().value());
        }
    }

    private boolean online(Caller caller, DeviceId device) {
        try {
            return status.get(caller, device).online();
        } catch (RoostException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private JsonNode run(Caller caller, DeviceId device, String name, ObjectNode params) {
        Command sent;
        try {
            sent = commands.send(caller, device, new NewCommand(name, params, Optional.of(ORDER_WAIT),
                    Optional.of(clock.instant().plus(ORDER_WAIT)), Optional.empty()));
        } catch (RoostException e) {
            switch (e.code()) {
                case INVALID_ARGUMENT -> throw LegacyFailure.untyped(e.getMessage());
                case NOT_FOUND, FAILED_PRECONDITION -> throw LegacyFailure.untyped("Device is offline!");
                case PERMISSION_DENIED, UNAUTHENTICATED -> throw e;
                default -> {
                    LOG.log(System.Logger.Level.WARNING, "legacy give_order to " + device + " could not be sent: "
                            + e.getMessage());
                    throw LegacyFailure.untyped("Server unknown error.");
                }
            }
        }
        Command done = commands.get(caller, sent.id(), ORDER_WAIT);
        if (done.state() == CommandState.SUCCEEDED
                || (done.isReboot() && done.state() == CommandState.ACKED)) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (done.state() == CommandState.FAILED && !done.errorMessage().isBlank()) {
            throw LegacyFailure.untyped(done.errorMessage());
        }
        if (!done.state().isFinal()) {
            cancelQuietly(caller, done);
        }
        throw LegacyFailure.untyped("Unknown Error!");
    }

    /** A legacy order that got no answer is not left to run later, as the legacy system never resent it. */
    private void cancelQuietly(Caller caller, Command command) {
        try {
            commands.cancel(caller, command.id(), "legacy give_order got no answer in " + ORDER_WAIT.toSeconds() + " s");
        } catch (RoostException e) {
            // ACKED: the device runs it already and its own timeout ends it.
        }
    }
}
