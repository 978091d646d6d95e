package dev.roost.server.common;

import dev.roost.server.error.RoostException;

/** Parsing of the decimal-string ids every API carries. */
public final class Ids {
    private Ids() {
    }

    /**
     * Parses a positive 64-bit id.
     *
     * @param field the request field, named in the error
     * @throws RoostException INVALID_ARGUMENT when missing or not a positive decimal number
     */
    public static long parse(String field, String value) {
        if (value == null || value.isBlank()) {
            throw RoostException.invalid(field, "is required");
        }
        try {
            long id = Long.parseLong(value.trim());
            if (id <= 0) {
                throw RoostException.invalid(field, "must be a positive id, was '" + value + "'");
            }
            return id;
        } catch (NumberFormatException e) {
            throw RoostException.invalid(field, "must be a decimal id, was '" + abbreviate(value) + "'");
        }
    }

    static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }
}
