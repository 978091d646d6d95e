package dev.roost.edge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reads of a configuration tree by dotted key ({@code backoff.base}); every problem becomes a
 * {@link ConfigException} naming the key. Remembers what was read so that unknown keys — usually
 * typos — are refused instead of silently ignored.
 */
final class ConfigReader {
    private final ObjectNode root;
    private final Set<String> read = new HashSet<>();

    ConfigReader(ObjectNode root) {
        this.root = root;
    }

    Optional<String> string(String key) {
        JsonNode node = node(key);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isValueNode()) {
            throw new ConfigException(key, "must be a single value");
        }
        String value = node.asText().trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    String required(String key) {
        return string(key).orElseThrow(() -> new ConfigException(key, "is required"));
    }

    boolean bool(String key, boolean fallback) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        return switch (text.get().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, "must be true or false, was '" + text.get() + "'");
        };
    }

    Duration duration(String key, Duration fallback) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            Duration value = Duration.parse(text.get());
            if (value.isNegative() || value.isZero()) {
                throw new ConfigException(key, "must be a positive duration");
            }
            return value;
        } catch (DateTimeParseException e) {
            throw new ConfigException(key, "must be an ISO-8601 duration such as PT30S, was '" + text.get() + "'");
        }
    }

    long longIn(String key, long fallback, long min, long max) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.get());
            if (value < min || value > max) {
                throw new ConfigException(key, "must be in " + min + ".." + max + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be an integer, was '" + text.get() + "'");
        }
    }

    double doubleIn(String key, double fallback, double min, double max) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text.get());
            if (value < min || value > max) {
                throw new ConfigException(key, "must be in " + min + ".." + max + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be a number, was '" + text.get() + "'");
        }
    }

    /** A YAML list of single values, or one value of comma-separated items (as environment variables give). */
    List<String> list(String key) {
        JsonNode node = node(key);
        List<String> values = new ArrayList<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (node.isValueNode()) {
            for (String item : node.asText().split(",")) {
                if (!item.isBlank()) {
                    values.add(item.strip());
                }
            }
            return values;
        }
        if (!node.isArray()) {
            throw new ConfigException(key, "must be a list of values");
        }
        for (JsonNode item : node) {
            if (!item.isValueNode() || item.asText().isBlank()) {
                throw new ConfigException(key, "must be a list of non-empty values");
            }
            values.add(item.asText().strip());
        }
        return values;
    }

    /** A map of names to single values (scripts, handlers). */
    Map<String, String> map(String key) {
        JsonNode node = node(key);
        Map<String, String> values = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isObject()) {
            throw new ConfigException(key, "must be a map of names to values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isValueNode() || field.getValue().asText().isBlank()) {
                throw new ConfigException(key + "." + field.getKey(), "must be a non-empty value");
            }
            values.put(field.getKey(), field.getValue().asText());
        }
        return values;
    }

    boolean has(String key) {
        JsonNode node = node(key);
        return node != null && !node.isNull();
    }

    /** @throws ConfigException for the first key present in the tree that no read asked for */
    void refuseUnknown() {
        refuseUnknown(root, "");
    }

    private void refuseUnknown(JsonNode node, String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            if (read.contains(key)) {
                continue;
            }
            if (field.getValue().isObject() && read.stream().anyMatch(k -> k.startsWith(key + "."))) {
                refuseUnknown(field.getValue(), key + ".");
            } else {
                throw new ConfigException(key, "unknown key");
            }
        }
    }

    private JsonNode node(String key) {
        read.add(key);
        JsonNode node = root;
        for (String part : key.split("\\.")) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(part);
        }
        return node;
    }
}
