package dev.roost.server.storage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the rows the database refused for their data and set aside by {@link RowBatches}, per
 * table. Each refusal is logged as one line without a stack trace, at most one line per table
 * every {@link #LOG_EVERY_MILLIS} (the lines say how many were not logged), so a device that keeps
 * sending bad values cannot flood the log.
 */
public final class RejectedRows {
    private static final System.Logger LOG = System.getLogger(RejectedRows.class.getName());
    static final long LOG_EVERY_MILLIS = 10_000;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> unlogged = new ConcurrentHashMap<>();

    /** Counts one refused row of {@code table}; {@code row} names it for the log (no secrets). */
    public void reject(String table, String row, RuntimeException cause) {
        counts.computeIfAbsent(table, t -> new LongAdder()).increment();
        LongAdder skipped = unlogged.computeIfAbsent(table, t -> new LongAdder());
        AtomicLong last = lastLogged.computeIfAbsent(table, t -> new AtomicLong(Long.MIN_VALUE));
        long now = System.currentTimeMillis();
        long previous = last.get();
        if (previous != Long.MIN_VALUE && now - previous < LOG_EVERY_MILLIS || !last.compareAndSet(previous, now)) {
            skipped.increment();
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: set aside a row the database refused ({1}): {2}{3}", table, row,
                rootMessage(cause), unloggedNote(skipped.sumThenReset()));
    }

    /** Rows of {@code table} set aside since start. */
    public long count(String table) {
        LongAdder count = counts.get(table);
        return count == null ? 0 : count.sum();
    }

    /** Rows of every table set aside since start. */
    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static String unloggedNote(long skipped) {
        return skipped == 0 ? "" : " (and " + skipped + " more not logged)";
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // Database messages echo the refused value, which a device chose: one short line, no control characters.
        StringBuilder line = new StringBuilder(Math.min(message.length(), 300));
        message.codePoints().limit(300).forEach(c -> line.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return message.codePointCount(0, message.length()) > 300 ? line.append('…').toString() : line.toString();
    }
}
