package dev.roost.server.northbound.legacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.transport.RequestBody;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * A legacy request body after the legacy system's checks (Content-Type, JSON, not empty) and its
 * flattening: field lookups by flat column name, with the legacy system's lenient typing (a number
 * or boolean given for a text column is taken as its text, as MySQL coerced it).
 *
 * @param raw  the parsed body (for {@code give_order}'s {@code params}, which is not flattened)
 * @param flat the flattened body
 */
record LegacyBody(JsonNode raw, Map<String, JsonNode> flat) {

    /**
     * Reads the body of a POST, PUT or DELETE. A {@code Content-Type} with a charset parameter is
     * accepted (the legacy system compared the header literally).
     */
    static LegacyBody read(ServerRequest request, ObjectMapper json, int maxBytes) {
        boolean isJson = request.headers().contentType()
                .map(HttpMediaType::mediaType)
                .map(type -> type.type().equalsIgnoreCase("application") && type.subtype().equalsIgnoreCase("json"))
                .orElse(false);
        if (!isJson) {
            throw LegacyFailure.of(400, LegacyFailure.GENERAL_ERROR, "Content-Type must be application/json");
        }
        byte[] bytes;
        try {
            bytes = RequestBody.readAtMost(request, maxBytes + 1);
        } catch (IOException e) {
            throw LegacyFailure.framework(400, "Bad Request", "Failed when parsing body as json");
        }
        if (bytes.length > maxBytes) {
            throw new RoostException(ErrorCode.PAYLOAD_TOO_LARGE, "request body exceeds " + maxBytes + " bytes");
        }
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw pleaseProvideJson();
        }
        JsonNode raw;
        try {
            raw = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw LegacyFailure.framework(400, "Bad Request", "Failed when parsing body as json");
        } catch (IOException e) {
            throw LegacyFailure.framework(400, "Bad Request", "Failed when parsing body as json");
        }
        if (raw == null || raw.isNull() || raw.isMissingNode()) {
            throw pleaseProvideJson();
        }
        return new LegacyBody(raw, LegacyFlattener.flatten(raw));
    }

    private static LegacyFailure pleaseProvideJson() {
        return LegacyFailure.of(400, LegacyFailure.GENERAL_ERROR, "please provide legal json!");
    }

    /** Refuses with "Missing required parameters!" unless every name is a key (a null value counts). */
    LegacyBody require(String... names) {
        for (String name : names) {
            if (!flat.containsKey(name)) {
                throw LegacyFailure.missingParameters();
            }
        }
        return this;
    }

    /** True when {@code name} is given with a non-null value. */
    boolean given(String name) {
        JsonNode value = flat.get(name);
        return value != null && !value.isNull();
    }

    /** The value as the text a VARCHAR column would have stored; empty when absent or null. */
    Optional<String> text(String name) {
        JsonNode value = flat.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isBoolean()) {
            return Optional.of(value.asBoolean() ? "1" : "0");
        }
        return Optional.of(value.asText());
    }

    /** A required text column: null there is what made the legacy INSERT fail. */
    String requiredText(String name) {
        return text(name).orElseThrow(LegacyFailure::database);
    }

    /**
     * An id that the legacy system compared with an integer or text column; empty when it could
     * not be a Roost id (so nothing matches, as in the legacy query).
     */
    Optional<Long> id(String name) {
        return text(name).flatMap(LegacyBody::parseId);
    }

    static Optional<Long> parseId(String text) {
        try {
            long id = Long.parseLong(text.trim());
            return id > 0 ? Optional.of(id) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
