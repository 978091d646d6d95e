package dev.roost.server.storage;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Writes a batch so that one bad row cannot hold up the others. When the database refuses a
 * batch for its data (SQLSTATE class 22, data exception, or 23, integrity constraint violation),
 * the batch is split in halves until the refused rows are found; those are set aside and the
 * rest is written. Any other failure (database down, timeout, lost connection) stops the write:
 * the rows not yet written are returned in their order, to be tried again later.
 */
public final class RowBatches {
    private RowBatches() {
    }

    /**
     * What a write did.
     *
     * @param rejected  rows the database refused for their data, never to be tried again
     * @param unwritten rows not written because of {@code failure}, in their original order
     * @param failure   the failure that stopped the write, if one did
     */
    public record Outcome<T>(List<Rejected<T>> rejected, List<T> unwritten, Optional<RuntimeException> failure) {
    }

    /** A row the database refused, and why. */
    public record Rejected<T>(T row, RuntimeException cause) {
    }

    /**
     * Writes {@code rows} with {@code writer}, which writes a list in one transaction (all or
     * nothing). Costs one transaction when nothing is refused, about 2·log2(n) more per refused row.
     */
    public static <T> Outcome<T> write(List<T> rows, Consumer<List<T>> writer) {
        List<Rejected<T>> rejected = new ArrayList<>();
        Deque<List<T>> work = new ArrayDeque<>();
        if (!rows.isEmpty()) {
            work.push(rows);
        }
        while (!work.isEmpty()) {
            List<T> next = work.pop();
            try {
                writer.accept(next);
            } catch (RuntimeException e) {
                if (!refusedForItsData(e)) {
                    List<T> unwritten = new ArrayList<>(next);
                    work.forEach(unwritten::addAll);
                    return new Outcome<>(rejected, unwritten, Optional.of(e));
                }
                if (next.size() == 1) {
                    rejected.add(new Rejected<>(next.getFirst(), e));
                } else {
                    int half = next.size() / 2;
                    work.push(next.subList(half, next.size()));
                    work.push(next.subList(0, half));
                }
            }
        }
        return new Outcome<>(rejected, List.of(), Optional.empty());
    }

    /** True when the cause is the data itself (too long, out of range, a constraint), not the database's health. */
    public static boolean refusedForItsData(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLDataException || cause instanceof SQLIntegrityConstraintViolationException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
