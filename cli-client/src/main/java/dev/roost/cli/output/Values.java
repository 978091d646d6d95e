package dev.roost.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.time.Instant;

/** Conversions shared by the views: epoch milliseconds to ISO-8601, JSON strings to trees. */
final class Values {
    private Values() {
    }

    /** ISO-8601 UTC, or null for 0 (the API's "unknown"). */
    static String time(long epochMillis) {
        return epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
    }

    /** The JSON document embedded in a string field, or null when empty; text the API sent as is if not JSON. */
    static JsonNode json(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Output.JSON.readTree(text);
        } catch (IOException notJson) {
            return TextNode.valueOf(text);
        }
    }

    /** An enum's name, or null for its UNSPECIFIED value. */
    static String name(Enum<?> value) {
        String name = value.name();
        return name.endsWith("UNSPECIFIED") || name.equals("UNRECOGNIZED") ? null : name;
    }

    static String text(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
