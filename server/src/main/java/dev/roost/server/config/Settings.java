package dev.roost.server.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Typed reads of config values that fail with a message naming the full key. */
public final class Settings {
    private Settings() {
    }

    public static InvalidConfigException invalid(Config node, String key, String problem) {
        return new InvalidConfigException(fullKey(node, key) + ": " + problem);
    }

    public static String string(Config node, String key, String defaultValue) {
        try {
            return node.get(key).asString().orElse(defaultValue);
        } catch (ConfigException e) {
            throw invalid(node, key, "must be a string");
        }
    }

    public static int intIn(Config node, String key, int defaultValue, int min, int max) {
        String text = string(node, key, null);
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) {
                throw invalid(node, key, "must be " + min + ".." + max + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(node, key, "must be a whole number " + min + ".." + max + ", was '" + text + "'");
        }
    }

    public static boolean bool(Config node, String key, boolean defaultValue) {
        String text = string(node, key, null);
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        return switch (text.trim().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(node, key, "must be true or false, was '" + text + "'");
        };
    }

    /** A positive ISO-8601 duration such as PT30S. */
    public static Duration duration(Config node, String key, Duration defaultValue) {
        Duration value = durationOrZero(node, key, defaultValue);
        if (value.isZero()) {
            throw invalid(node, key, "must be positive, was " + string(node, key, null));
        }
        return value;
    }

    /** An ISO-8601 duration such as PT0.002S, where PT0S is allowed (it means "do not wait"). */
    public static Duration durationOrZero(Config node, String key, Duration defaultValue) {
        String text = string(node, key, null);
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        Duration value;
        try {
            value = Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw invalid(node, key, "must be an ISO-8601 duration such as PT30S, was '" + text + "'");
        }
        if (value.isNegative()) {
            throw invalid(node, key, "must not be negative, was " + text);
        }
        return value;
    }

    private static String fullKey(Config node, String key) {
        String parent = node.key().toString();
        return parent.isEmpty() ? key : parent + "." + key;
    }
}
