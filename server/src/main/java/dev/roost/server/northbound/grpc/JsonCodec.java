package dev.roost.server.northbound.grpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.Json;
import dev.roost.server.error.RoostException;

/** Reads the JSON strings that gRPC messages carry (params_json, patch_json) with errors naming the field. */
public final class JsonCodec {
    private final ObjectMapper json;

    public JsonCodec(ObjectMapper json) {
        this.json = json;
    }

    /** A JSON object; empty text is an empty object. */
    public ObjectNode object(String field, String text) {
        if (text == null || text.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(text);
            if (node == null || !node.isObject()) {
                throw RoostException.invalid(field, "must be a JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw RoostException.invalid(field, "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public String write(JsonNode node) {
        return node == null ? "" : Json.text(node);
    }
}
