package dev.roost.server.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.roost.protocol.Messages;

import java.util.Comparator;

/**
 * Whether a reported result is the one a finished command already holds: a device resends a result
 * until it is acknowledged, and an acknowledgement can be lost, so the same result may arrive again
 * after it was stored. Same means same status, device code and result object (numbers by value: the
 * stored copy went through the database).
 */
final class SameResult {
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private SameResult() {
    }

    static boolean matches(Command stored, Messages.CommandResult result) {
        CommandState reported = result.succeeded() ? CommandState.SUCCEEDED : CommandState.FAILED;
        return stored.state() == reported && stored.deviceStatusCode() == result.code()
                && stored.result().equals(BY_VALUE, payload(result));
    }

    /** The result object as stored: an empty object when the device sent none. */
    static JsonNode payload(Messages.CommandResult result) {
        return result.result() == null ? JsonNodeFactory.instance.objectNode() : result.result();
    }
}
