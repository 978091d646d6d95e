package dev.roost.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes protocol v1 messages. Thread-safe. Every malformed input becomes a
 * {@link ProtocolException} with the precise code of docs/protocol.md §4.
 */
public final class PduCodec {
    private static final Set<String> ENVELOPE_FIELDS = Set.of("type", "id", "reply_to", "ts", "body");
    private static final int MAX_ID_LENGTH = 64;

    // A shared buffer pool: Jackson's default keeps one per thread, and every device connection
    // has its own virtual thread (19,000 recyclers measured in a 19,000-session heap).
    private final ObjectMapper mapper = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedLockFreePool()).build())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    public PduCodec() {
        StrictTypes.apply(mapper);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public Pdu decode(String text) {
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ProtocolErrorCode.BAD_FRAME, "not JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new ProtocolException(ProtocolErrorCode.BAD_FRAME, "a message must be a JSON object");
        }
        String id = text(tree, "id");
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw new ProtocolException(ProtocolErrorCode.BAD_ENVELOPE, "id must be a string of 1.." + MAX_ID_LENGTH
                    + " characters");
        }
        try {
            for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!ENVELOPE_FIELDS.contains(name)) {
                    throw new ProtocolException(ProtocolErrorCode.BAD_ENVELOPE,
                            "unknown envelope field '" + name + "'");
                }
            }
            String typeName = text(tree, "type");
            if (typeName == null) {
                throw new ProtocolException(ProtocolErrorCode.BAD_ENVELOPE, "type must be a string");
            }
            MessageType type = MessageType.ofWireName(typeName).orElseThrow(() ->
                    new ProtocolException(ProtocolErrorCode.UNKNOWN_TYPE, "unknown message type '" + typeName + "'"));
            JsonNode replyTo = tree.get("reply_to");
            if (replyTo != null && !replyTo.isNull() && !replyTo.isTextual()) {
                throw new ProtocolException(ProtocolErrorCode.BAD_ENVELOPE, "reply_to must be a string");
            }
            JsonNode ts = tree.get("ts");
            if (ts != null && !ts.isNull() && !ts.canConvertToLong()) {
                throw new ProtocolException(ProtocolErrorCode.BAD_ENVELOPE, "ts must be an integer");
            }
            JsonNode bodyNode = tree.get("body");
            if (bodyNode == null || !bodyNode.isObject()) {
                throw new ProtocolException(ProtocolErrorCode.BAD_ENVELOPE, "body must be an object");
            }
            Body body;
            try {
                body = body(type, (ObjectNode) bodyNode);
                body.validate();
            } catch (ProtocolException e) {
                throw e.withMessageType(type);
            }
            return new Pdu(id, replyTo == null || replyTo.isNull() ? Optional.empty() : Optional.of(replyTo.asText()),
                    ts == null || ts.isNull() ? 0 : ts.asLong(), body);
        } catch (ProtocolException e) {
            throw e.withMessageId(id);
        }
    }

    /**
     * The envelope's {@code id} without decoding the message: for answers to messages that are
     * dropped unread (over the rate). Reads top-level fields only; empty when there is no valid id.
     */
    public Optional<String> peekId(String text) {
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("id".equals(name)) {
                    String id = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    return id != null && !id.isEmpty() && id.length() <= MAX_ID_LENGTH ? Optional.of(id)
                            : Optional.empty();
                }
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public String encode(Pdu pdu) {
        ObjectNode tree = mapper.createObjectNode();
        tree.put("type", pdu.type().wireName());
        tree.put("id", pdu.id());
        pdu.replyTo().ifPresent(replyTo -> tree.put("reply_to", replyTo));
        if (pdu.ts() != 0) {
            tree.put("ts", pdu.ts());
        }
        tree.set("body", mapper.valueToTree(pdu.body()));
        try {
            return mapper.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + pdu.type(), e);
        }
    }

    private Body body(MessageType type, ObjectNode node) {
        try {
            return mapper.treeToValue(node, type.bodyType());
        } catch (JsonProcessingException e) {
            String path = e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping
                    ? mapping.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]").reduce((a, b) -> a + "." + b).orElse("") : "";
            throw new ProtocolException(ProtocolErrorCode.INVALID_FIELD, "body." + path + " has the wrong type");
        }
    }

    private static String text(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
