package dev.roost.edge.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * What a command produced, sent as {@code command_result}.
 *
 * @param code    the device's own status code (an exit code for processes)
 * @param result  any JSON object
 * @param message a short human-readable summary
 */
public record CommandOutcome(boolean succeeded, int code, JsonNode result, String message) {
    public static CommandOutcome succeeded(JsonNode result, String message) {
        return new CommandOutcome(true, 0, result, message);
    }

    public static CommandOutcome failed(int code, String message) {
        return new CommandOutcome(false, code, JsonNodeFactory.instance.objectNode(), message);
    }
}
