package dev.roost.server.common;

import dev.roost.server.error.RoostException;

import java.util.Map;
import java.util.regex.Pattern;

/** Field checks shared by every use case; each failure names the field. */
public final class Validation {
    private static final Pattern MAC = Pattern.compile("^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$");
    private static final Pattern IPV4 =
            Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    private static final Pattern LABEL_KEY = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9._/-]{0,62}[A-Za-z0-9])?$");
    public static final int MAX_LABELS = 64;

    private Validation() {
    }

    /** A required, trimmed, printable string of at most {@code max} characters. */
    public static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw RoostException.invalid(field, "is required");
        }
        return optional(field, value, max);
    }

    /** An optional string (null or blank becomes empty) of at most {@code max} characters. */
    public static String optional(String field, String value, int max) {
        if (value == null) {
            return "";
        }
        String trimmed = value.strip();
        if (trimmed.length() > max) {
            throw RoostException.invalid(field, "must be at most " + max + " characters, was " + trimmed.length());
        }
        for (int i = 0; i < trimmed.length(); i++) {
            if (Character.isISOControl(trimmed.charAt(i))) {
                throw RoostException.invalid(field, "must not contain control characters");
            }
        }
        return trimmed;
    }

    public static String mac(String field, String value) {
        String mac = optional(field, value, 17);
        if (!mac.isEmpty() && !MAC.matcher(mac).matches()) {
            throw RoostException.invalid(field, "must be a MAC address like 00:1a:2b:3c:4d:5e, was '" + mac + "'");
        }
        return mac.toLowerCase().replace('-', ':');
    }

    public static String ipv4(String field, String value) {
        String ip = optional(field, value, 15);
        if (!ip.isEmpty() && !IPV4.matcher(ip).matches()) {
            throw RoostException.invalid(field, "must be a dotted IPv4 address, was '" + ip + "'");
        }
        return ip;
    }

    public static Map<String, String> labels(String field, Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw RoostException.invalid(field, "at most " + MAX_LABELS + " labels, was " + labels.size());
        }
        labels.forEach((key, value) -> {
            if (key == null || !LABEL_KEY.matcher(key).matches()) {
                throw RoostException.invalid(field, "key '" + key
                        + "' must be 1-64 letters, digits or . _ / - and start and end with a letter or digit");
            }
            optional(field + "." + key, value, 256);
        });
        return Map.copyOf(labels);
    }

    /** A secret given by a caller: 12..72 printable characters. */
    public static String secret(String field, String value) {
        if (value.length() < 12 || value.length() > 72) {
            throw RoostException.invalid(field, "must be 12..72 characters (bcrypt reads 72 bytes)");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw RoostException.invalid(field, "must be printable ASCII without spaces");
            }
        }
        return value;
    }
}
