package dev.roost.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;

/** Reads a JSON object argument, so that malformed JSON is a usage error caught before anything is sent. */
public final class JsonObjectConverter implements CommandLine.ITypeConverter<ObjectNode> {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @Override
    public ObjectNode convert(String value) {
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new CommandLine.TypeConversionException("malformed JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new CommandLine.TypeConversionException("must be a JSON object such as {\"key\":\"value\"}, was "
                + (node == null || node.isMissingNode() ? "empty" : node.getNodeType().name().toLowerCase()));
    }
}
