package dev.roost.server.storage;

import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.stream.Collectors;

/** Small helpers for reading rows and building statements the same way in every store. */
public final class Rows {
    private Rows() {
    }

    public static long longOf(DbRow row, String column) {
        return ((Number) row.column(column).get()).longValue();
    }

    public static String stringOf(DbRow row, String column) {
        return row.column(column).get(String.class);
    }

    public static boolean booleanOf(DbRow row, String column) {
        Object value = row.column(column).get();
        return value instanceof Boolean b ? b : ((Number) value).intValue() != 0;
    }

    public static Instant instantOf(DbRow row, String column) {
        return Instant.ofEpochMilli(longOf(row, column));
    }

    /** Epoch-millis column where 0 means "never". */
    public static Optional<Instant> optionalInstantOf(DbRow row, String column) {
        long millis = longOf(row, column);
        return millis == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    public static long millis(Optional<Instant> instant) {
        return instant.map(Instant::toEpochMilli).orElse(0L);
    }

    /** "?, ?, ?" for {@code count} parameters. */
    public static String placeholders(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    public static String placeholders(Collection<?> values) {
        return placeholders(values.size());
    }

    /** Escapes LIKE wildcards so that {@code prefix} matches literally, then appends %. */
    public static String likePrefix(String prefix) {
        return prefix.chars().mapToObj(c -> switch (c) {
            case '%', '_', '\\' -> "\\" + (char) c;
            default -> String.valueOf((char) c);
        }).collect(Collectors.joining()) + "%";
    }
}
