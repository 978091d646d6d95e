package dev.roost.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
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

    private final Map<MessageType, ObjectReader> bodyReaders = new EnumMap<>(MessageType.class);

    public PduCodec() {
        StrictTypes.apply(mapper);
        for (MessageType type : MessageType.values()) {
            // The body is read in the middle of the envelope: what follows it is the envelope's.
            bodyReaders.put(type, mapper.readerFor(type.bodyType())
                    .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public Pdu decode(String text) {
        return decodeStreaming(text).orElseGet(() -> decodeTree(text));
    }

    /**
     * Reads a valid message in one pass, binding the body straight from the parser. Empty for
     * anything else: a message that is malformed or invalid, that names its {@code type} after its
     * {@code body}, or that repeats an envelope field. {@link #decodeTree} then reads it, so the
     * result and every error are the tree's. A field repeated inside the body needs no such care:
     * the tree keeps the last, and so does binding (or it fails, and the tree reads the message).
     */
    Optional<Pdu> decodeStreaming(String text) {
        try (JsonParser parser = mapper.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            MessageType type = null;
            String id = null;
            Optional<String> replyTo = Optional.empty();
            long ts = 0;
            Body body = null;
            int seen = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                int field = switch (name) {
                    case "type" -> 1;
                    case "id" -> 2;
                    case "reply_to" -> 4;
                    case "ts" -> 8;
                    case "body" -> 16;
                    default -> 0;
                };
                if (field == 0 || (seen & field) != 0) {
                    return Optional.empty();
                }
                seen |= field;
                switch (name) {
                    case "type" -> {
                        type = value == JsonToken.VALUE_STRING
                                ? MessageType.ofWireName(parser.getText()).orElse(null) : null;
                        if (type == null) {
                            return Optional.empty();
                        }
                    }
                    case "id" -> {
                        id = value == JsonToken.VALUE_STRING ? parser.getText() : "";
                        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
                            return Optional.empty();
                        }
                    }
                    case "reply_to" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            replyTo = Optional.of(parser.getText());
                        } else if (value != JsonToken.VALUE_NULL) {
                            return Optional.empty();
                        }
                    }
                    case "ts" -> {
                        if (value == JsonToken.VALUE_NUMBER_INT
                                && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                            ts = parser.getLongValue();
                        } else if (value != JsonToken.VALUE_NULL) {
                            return Optional.empty();
                        }
                    }
                    case "body" -> {
                        if (type == null || value != JsonToken.START_OBJECT) {
                            return Optional.empty();
                        }
                        body = bodyReaders.get(type).readValue(parser);
                    }
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null || id == null
                    || body == null) {
                return Optional.empty();
            }
            body.validate();
            return Optional.of(new Pdu(id, replyTo, ts, body));
        } catch (IOException | ProtocolException e) {
            return Optional.empty();
        }
    }

    /** Reads any text into a tree first: the reference for what {@link #decode} accepts and how it fails. */
    Pdu decodeTree(String text) {
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
        try {
            return mapper.writeValueAsString(new Wire(pdu));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + pdu.type(), e);
        }
    }

    /**
     * A PDU written field by field, without a tree: the envelope's fields, then the body's in record
     * component order, leaving out null ones as the mapper's {@code NON_NULL} does for the records.
     * The golden files and PduEncodingTest (against the mapper's own serialization) pin the bytes.
     */
    private record Wire(Pdu pdu) implements JsonSerializable {
        @Override
        public void serialize(JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeStartObject();
            out.writeStringField("type", pdu.type().wireName());
            out.writeStringField("id", pdu.id());
            if (pdu.replyTo().isPresent()) {
                out.writeStringField("reply_to", pdu.replyTo().get());
            }
            if (pdu.ts() != 0) {
                out.writeNumberField("ts", pdu.ts());
            }
            out.writeFieldName("body");
            out.writeStartObject();
            writeBody(pdu.body(), out, provider);
            out.writeEndObject();
            out.writeEndObject();
        }

        @Override
        public void serializeWithType(JsonGenerator out, SerializerProvider provider, TypeSerializer typeSer)
                throws IOException {
            serialize(out, provider);
        }

        private static void writeBody(Body body, JsonGenerator out, SerializerProvider provider) throws IOException {
            switch (body) {
                case Messages.Auth auth -> {
                    string(out, "device_id", auth.deviceId());
                    if (auth.hardware() != null) {
                        out.writeObjectFieldStart("hardware");
                        string(out, "serial", auth.hardware().serial());
                        string(out, "model", auth.hardware().model());
                        out.writeEndObject();
                    }
                    string(out, "secret", auth.secret());
                    string(out, "session_token", auth.sessionToken());
                    string(out, "agent_version", auth.agentVersion());
                }
                case Messages.AuthOk ok -> {
                    string(out, "device_id", ok.deviceId());
                    out.writeNumberField("server_time", ok.serverTime());
                    out.writeNumberField("heartbeat_interval_ms", ok.heartbeatIntervalMs());
                    string(out, "session_token", ok.sessionToken());
                    out.writeNumberField("session_token_expires_at", ok.sessionTokenExpiresAt());
                    out.writeNumberField("reported_version", ok.reportedVersion());
                    out.writeNumberField("desired_version", ok.desiredVersion());
                    out.writeNumberField("queued_commands", ok.queuedCommands());
                }
                case Messages.AuthError error -> {
                    string(out, "code", error.code());
                    string(out, "message", error.message());
                    out.writeNumberField("retry_after_ms", error.retryAfterMs());
                }
                case Messages.Ping ping -> {
                }
                case Messages.Pong pong -> {
                }
                case Messages.Status status -> {
                    string(out, "mode", status.mode());
                    out.writeNumberField("base_version", status.baseVersion());
                    json(out, provider, "state", status.state());
                }
                case Messages.StatusAck ack -> out.writeNumberField("version", ack.version());
                case Messages.ResyncRequired resync -> {
                    out.writeNumberField("reported_version", resync.reportedVersion());
                    string(out, "reason", resync.reason());
                }
                case Messages.Desired desired -> {
                    out.writeNumberField("version", desired.version());
                    string(out, "mode", desired.mode());
                    out.writeNumberField("base_version", desired.baseVersion());
                    json(out, provider, "state", desired.state());
                }
                case Messages.DesiredApplied applied -> {
                    out.writeNumberField("version", applied.version());
                    json(out, provider, "applied", applied.applied());
                    json(out, provider, "errors", applied.errors());
                }
                case Messages.Command command -> {
                    string(out, "command_id", command.commandId());
                    string(out, "name", command.name());
                    json(out, provider, "params", command.params());
                    out.writeNumberField("timeout_ms", command.timeoutMs());
                }
                case Messages.CommandAck ack -> string(out, "command_id", ack.commandId());
                case Messages.CommandResult result -> {
                    string(out, "command_id", result.commandId());
                    string(out, "status", result.status());
                    out.writeNumberField("code", result.code());
                    json(out, provider, "result", result.result());
                    string(out, "message", result.message());
                }
                case Messages.CommandResultAck ack -> string(out, "command_id", ack.commandId());
                case Messages.RebootConfirm confirm -> string(out, "command_id", confirm.commandId());
                case Messages.CommandCancel cancel -> string(out, "command_id", cancel.commandId());
                case Messages.Error error -> {
                    string(out, "code", error.code());
                    string(out, "message", error.message());
                }
            }
        }

        private static void string(JsonGenerator out, String name, String value) throws IOException {
            if (value != null) {
                out.writeStringField(name, value);
            }
        }

        /** A free-form value, written by the node itself with the mapper's settings, as a tree would be. */
        private static void json(JsonGenerator out, SerializerProvider provider, String name, JsonNode value)
                throws IOException {
            if (value != null) {
                out.writeFieldName(name);
                value.serialize(new DecimalsAsInTree(out), provider);
            }
        }
    }

    /**
     * Writes decimals as the mapper's tree holds them, without trailing zeros ({@code 1.50} as
     * {@code 1.5}, {@code 100} as {@code 1E+2}): what the encoder that copied each body into a tree
     * put on the wire, so a decimal in a free-form value keeps its bytes.
     */
    private static final class DecimalsAsInTree extends JsonGeneratorDelegate {
        DecimalsAsInTree(JsonGenerator out) {
            super(out, false);
        }

        @Override
        public void writeNumber(BigDecimal value) throws IOException {
            BigDecimal held = value;
            if (value != null) {
                try {
                    held = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
                } catch (ArithmeticException e) {
                    held = value;
                }
            }
            super.writeNumber(held);
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
