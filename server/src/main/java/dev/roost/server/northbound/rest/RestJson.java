package dev.roost.server.northbound.rest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.transport.RequestBody;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads JSON request bodies and writes the envelope: {@code {"status":"success","data":...}}
 * or {@code {"status":"fail","type":"<ERROR_CODE>","message":"..."}}.
 */
public final class RestJson {
    private final ObjectMapper json;
    private final int maxBodyBytes;

    public RestJson(ObjectMapper json, int maxBodyBytes) {
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Parses the body as {@code type}; every problem is an error naming the field. */
    public <T> T body(ServerRequest request, Class<T> type) {
        requireJson(request);
        byte[] bytes = read(request);
        if (bytes.length == 0) {
            throw RoostException.invalid("body", "a JSON object is required");
        }
        try {
            T value = json.readValue(bytes, type);
            if (value == null) {
                throw RoostException.invalid("body", "must be a JSON object, was null");
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw RoostException.invalid("body", limit(e));
        } catch (UnrecognizedPropertyException e) {
            throw RoostException.invalid(path(e, e.getPropertyName()), "unknown field");
        } catch (MismatchedInputException e) {
            throw RoostException.invalid(path(e, null), "must be " + expected(e.getTargetType()));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StreamConstraintsException limit) {
                throw RoostException.invalid(path(e, null), limit(limit));
            }
            throw RoostException.invalid(path(e, null), "is not valid (" + firstLine(e) + ")");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw RoostException.invalid("body", "malformed JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + firstLine(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An optional body: absent (no Content-Length or an empty body) yields {@code fallback}. */
    public <T> T optionalBody(ServerRequest request, Class<T> type, T fallback) {
        if (!request.content().hasEntity()) {
            return fallback;
        }
        return body(request, type);
    }

    public void ok(ServerResponse response, Object data) {
        send(response, Status.OK_200, success(data));
    }

    public void created(ServerResponse response, Object data) {
        send(response, Status.CREATED_201, success(data));
    }

    public void fail(ServerResponse response, ErrorCode code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "fail");
        body.put("type", code.name());
        body.put("message", message);
        send(response, Status.create(code.httpStatus()), body);
    }

    private static Map<String, Object> success(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "success");
        body.put("data", data);
        return body;
    }

    private void send(ServerResponse response, Status status, Object body) {
        try {
            byte[] bytes = json.writeValueAsBytes(body);
            response.status(status);
            response.header(HeaderNames.CONTENT_TYPE, "application/json");
            response.send(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode response", e);
        }
    }

    private static void requireJson(ServerRequest request) {
        boolean json = request.headers().contentType()
                .map(HttpMediaType::mediaType)
                .map(type -> type.type().equals("application") && type.subtype().equals("json"))
                .orElse(false);
        if (!json) {
            throw new RoostException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type: application/json is required");
        }
    }

    private byte[] read(ServerRequest request) {
        byte[] bytes;
        try {
            bytes = RequestBody.readAtMost(request, maxBodyBytes + 1);
        } catch (RequestBody.MalformedFramingException e) {
            throw RoostException.invalid("body", e.getMessage());
        } catch (IOException e) {
            throw RoostException.invalid("body", "could not be read");
        }
        if (bytes.length > maxBodyBytes) {
            throw new RoostException(ErrorCode.PAYLOAD_TOO_LARGE, "request body exceeds " + maxBodyBytes + " bytes");
        }
        return bytes;
    }

    private static String path(JsonMappingException e, String leaf) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        if (path.isEmpty()) {
            return leaf == null ? "body" : leaf;
        }
        return path.toString();
    }

    /** The JSON shape a Java target type is read from, in the words of the API docs. */
    private static String expected(Class<?> target) {
        if (target == null) {
            return "of another type";
        }
        if (target == String.class) {
            return "a string";
        }
        if (target == boolean.class || target == Boolean.class) {
            return "true or false";
        }
        if (target == int.class || target == long.class || target == Integer.class || target == Long.class) {
            return "a whole number";
        }
        if (java.time.Instant.class.isAssignableFrom(target)) {
            return "an ISO-8601 instant such as 2026-01-31T12:00:00Z";
        }
        if (java.util.Collection.class.isAssignableFrom(target)) {
            return "an array";
        }
        return "an object";
    }

    /** A parser limit (nesting depth, string or number length), without Jackson's setting name. */
    private static String limit(StreamConstraintsException e) {
        return "exceeds a JSON limit: " + firstLine(e).replaceAll(", from `[^`]*`", "");
    }

    private static String firstLine(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }
}
