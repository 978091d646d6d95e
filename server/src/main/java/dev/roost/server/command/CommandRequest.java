package dev.roost.server.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Json;
import dev.roost.server.common.Validation;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/** A {@link NewCommand} checked against the rules, with the defaults filled in. */
record CommandRequest(String name, ObjectNode params, Duration timeout, Instant deliveryDeadline,
                      Optional<String> key) {
    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_.-]{0,63}$");
    private static final int MAX_PARAMS_CHARS = 16 * 1024;

    /** @throws RoostException INVALID_ARGUMENT naming the first field that breaks a rule */
    static CommandRequest of(NewCommand request, CommandSettings settings, Instant now) {
        String name = Validation.required("name", request.name(), 64);
        if (!NAME.matcher(name).matches()) {
            throw RoostException.invalid("name", "must be 1-64 lower-case letters, digits or . _ - and start with a "
                    + "letter");
        }
        ObjectNode params = request.params() == null ? JsonNodeFactory.instance.objectNode() : request.params();
        if (Json.text(params).length() > MAX_PARAMS_CHARS) {
            throw RoostException.invalid("params", "must be at most " + MAX_PARAMS_CHARS + " characters of JSON");
        }
        Duration timeout = request.timeout().filter(t -> !t.isZero()).orElse(settings.defaultTimeout());
        if (timeout.isNegative() || timeout.compareTo(CommandSettings.MAX_TIMEOUT) > 0) {
            throw RoostException.invalid("timeout_ms", "must be 1.." + CommandSettings.MAX_TIMEOUT.toMillis());
        }
        Instant deadline = request.deliveryDeadline().orElse(now.plus(settings.defaultDeliveryWindow()));
        if (!deadline.isAfter(now) || deadline.isAfter(now.plus(CommandSettings.MAX_DELIVERY_WINDOW))) {
            throw RoostException.invalid("delivery_deadline", "must be in the future and at most 30 days ahead");
        }
        Optional<String> key = request.idempotencyKey().map(k -> Validation.optional("idempotency_key", k, 128))
                .filter(k -> !k.isEmpty());
        return new CommandRequest(name, params, timeout, deadline, key);
    }

    /** The same request for one member of a group: the key belongs to the group command. */
    CommandRequest withoutKey() {
        return new CommandRequest(name, params, timeout, deliveryDeadline, Optional.empty());
    }

    /** A new QUEUED command of {@code device}, a member of {@code groupCommandId} when present. */
    Command toCommand(CommandId id, DeviceId device, Optional<GroupCommandId> groupCommandId, Instant now) {
        return new Command(id, device, name, params, CommandState.QUEUED, JsonNodeFactory.instance.objectNode(), 0,
                "", key, groupCommandId, now, now, timeout, deliveryDeadline, Optional.empty(), "");
    }

    /**
     * A repeated request under a key that is taken: the command stored under it when it has the
     * same name and params.
     *
     * @throws RoostException FAILED_PRECONDITION when the key was used for a different command
     */
    <T> T sameOrConflict(T stored, String storedName, ObjectNode storedParams, String what) {
        if (storedName.equals(name) && storedParams.equals(params)) {
            return stored;
        }
        throw new RoostException(ErrorCode.FAILED_PRECONDITION, "idempotency key '" + key.orElse("")
                + "' was used for " + what + " with a different name or params");
    }

    Command sameOrConflict(Command stored) {
        return sameOrConflict(stored, stored.name(), stored.params(), "command " + stored.id());
    }

    GroupCommand sameOrConflict(GroupCommand stored) {
        return sameOrConflict(stored, stored.name(), stored.params(), "group command " + stored.id());
    }
}
