package dev.roost.server.common;

import dev.roost.server.error.RoostException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Keyset pagination over ascending (or, for histories, descending) 64-bit keys. The cursor is the
 * last key of the previous page, wrapped so that clients treat it as opaque.
 *
 * @param size  1..{@link #MAX_SIZE}
 * @param after the key after which the page starts; empty for the first page
 */
public record PageRequest(int size, Optional<Long> after) {
    public static final int DEFAULT_SIZE = 100;
    public static final int MAX_SIZE = 1000;
    private static final String PREFIX = "k:";

    public static PageRequest first(int size) {
        return new PageRequest(size, Optional.empty());
    }

    /** Builds a page request from API input; 0 means the default size. */
    public static PageRequest of(int size, String cursor) {
        if (size < 0 || size > MAX_SIZE) {
            throw RoostException.invalid("page_size", "must be 0.." + MAX_SIZE + ", was " + size);
        }
        int effective = size == 0 ? DEFAULT_SIZE : size;
        if (cursor == null || cursor.isEmpty()) {
            return first(effective);
        }
        return new PageRequest(effective, Optional.of(decode(cursor)));
    }

    public static String encode(long key) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + key).getBytes(StandardCharsets.UTF_8));
    }

    private static long decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith(PREFIX)) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw RoostException.invalid("cursor", "is not a cursor this server issued");
        }
    }
}
