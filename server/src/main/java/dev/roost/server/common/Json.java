package dev.roost.server.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.roost.protocol.StrictTypes;

/**
 * The server's one JSON configuration (Jackson): snake_case names, ISO-8601 times, ids as strings,
 * strict reading (unknown fields, trailing tokens and nulls for numbers are errors).
 */
public final class Json {
    /**
     * Writes trees with the shared buffer pool. {@code JsonNode.toString()} uses Jackson's internal
     * mapper, whose buffers are cached per thread: on a device connection's virtual thread that
     * pins its buffers for the whole session (benchmarks.md, memory per session).
     */
    private static final ObjectWriter TREE_WRITER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedLockFreePool()).build()).writer();

    private static final ObjectMapper TREE_READER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedLockFreePool()).build());

    private Json() {
    }

    /** The tree as compact JSON text; use this instead of {@code JsonNode.toString()}. */
    public static String text(JsonNode node) {
        try {
            return TREE_WRITER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /** The JSON text as a tree (an event's stored detail); empty when it is not JSON. */
    public static java.util.Optional<JsonNode> tree(String json) {
        try {
            return java.util.Optional.ofNullable(TREE_READER.readTree(json));
        } catch (JsonProcessingException e) {
            return java.util.Optional.empty();
        }
    }

    /** Creates the mapper; callers keep one instance (it is thread-safe once built). */
    public static ObjectMapper newMapper() {
        SimpleModule ids = new SimpleModule("roost-ids");
        ids.addSerializer(DeviceId.class, ToStringSerializer.instance);
        ids.addSerializer(GroupId.class, ToStringSerializer.instance);
        // A shared buffer pool rather than one per (virtual) thread.
        JsonMapper mapper = JsonMapper.builder(JsonFactory.builder()
                        .recyclerPool(JsonRecyclerPools.sharedLockFreePool()).build())
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .addModule(ids)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        return StrictTypes.apply(mapper);
    }
}
