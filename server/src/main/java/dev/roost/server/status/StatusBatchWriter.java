package dev.roost.server.status;

import dev.roost.server.common.DeviceId;
import dev.roost.server.storage.RejectedRows;
import dev.roost.server.storage.RowBatches;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Writes status batches, each in one transaction, on up to {@code writers} connections at once.
 * Writer {@code i} takes batches {@code i}, {@code i + writers}, ... in order and stops at its
 * first failure (a batch written again after a failure writes the same rows, harmlessly);
 * {@link #write} returns only when every writer is done, so that a later flush never races an
 * older write of the same row. A row or sample the database refuses for its data is set aside
 * ({@link RowBatches}) and counted in {@link RejectedRows}; the rest of its batch is written.
 */
final class StatusBatchWriter {
    /** Latest rows and history samples written in one transaction. */
    record Batch(List<Map.Entry<DeviceId, Reported>> rows, List<StatusStore.Sample> history) {
    }

    /** What a write left undone: the batches not written (to put back) and the first failure. */
    record Failure(List<Batch> unwritten, RuntimeException cause) {
        long unwrittenRows() {
            return unwritten.stream().mapToLong(batch -> batch.rows().size()).sum();
        }
    }

    /** One row of a batch: a device's latest status or a history sample, split apart when refused. */
    private sealed interface Row {
    }

    private record Latest(Map.Entry<DeviceId, Reported> entry) implements Row {
    }

    private record HistorySample(StatusStore.Sample sample) implements Row {
    }

    static final String LATEST_TABLE = "device_status";
    static final String HISTORY_TABLE = "status_history";

    private final StatusStore store;
    private final int writers;
    private final RejectedRows rejected;

    StatusBatchWriter(StatusStore store, int writers, RejectedRows rejected) {
        this.store = store;
        this.writers = writers;
        this.rejected = rejected;
    }

    Optional<Failure> write(List<Batch> batches) {
        int lanes = Math.min(writers, batches.size());
        if (lanes <= 1) {
            return writeLane(batches);
        }
        List<Failure> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int lane = 0; lane < lanes; lane++) {
                List<Batch> mine = new ArrayList<>();
                for (int i = lane; i < batches.size(); i += lanes) {
                    mine.add(batches.get(i));
                }
                // Platform threads: a virtual one would wait for a carrier after every round trip
                // while holding its pooled connection, behind thousands of connection threads in a storm.
                threads.add(Thread.ofPlatform().daemon().name("roost-status-writer-", lane)
                        .start(() -> writeLane(mine).ifPresent(failures::add)));
            }
        } finally {
            threads.forEach(StatusBatchWriter::joinUninterruptibly);
        }
        if (failures.isEmpty()) {
            return Optional.empty();
        }
        RuntimeException first = failures.getFirst().cause();
        List<Batch> unwritten = new ArrayList<>();
        for (Failure failure : failures) {
            unwritten.addAll(failure.unwritten());
            if (failure.cause() != first) {
                first.addSuppressed(failure.cause());
            }
        }
        return Optional.of(new Failure(unwritten, first));
    }

    private Optional<Failure> writeLane(List<Batch> lane) {
        for (int i = 0; i < lane.size(); i++) {
            try {
                RowBatches.Outcome<Row> outcome = RowBatches.write(rows(lane.get(i)), this::writeRows);
                outcome.rejected().forEach(refused -> reject(refused.row(), refused.cause()));
                if (outcome.failure().isPresent()) {
                    List<Batch> unwritten = new ArrayList<>();
                    unwritten.add(batch(outcome.unwritten()));
                    unwritten.addAll(lane.subList(i + 1, lane.size()));
                    return Optional.of(new Failure(unwritten, outcome.failure().get()));
                }
            } catch (Error e) {
                return Optional.of(new Failure(List.copyOf(lane.subList(i, lane.size())),
                        new IllegalStateException("status writer failed", e)));
            }
        }
        return Optional.empty();
    }

    private void writeRows(List<Row> rows) {
        Batch batch = batch(rows);
        store.write(batch.rows(), batch.history());
    }

    private void reject(Row row, RuntimeException cause) {
        switch (row) {
            case Latest latest -> rejected.reject(LATEST_TABLE, "device " + latest.entry().getKey()
                    + ", version " + latest.entry().getValue().version(), cause);
            case HistorySample sample -> rejected.reject(HISTORY_TABLE, "device " + sample.sample().device()
                    + ", sample " + sample.sample().id(), cause);
        }
    }

    private static List<Row> rows(Batch batch) {
        List<Row> rows = new ArrayList<>(batch.rows().size() + batch.history().size());
        batch.rows().forEach(entry -> rows.add(new Latest(entry)));
        batch.history().forEach(sample -> rows.add(new HistorySample(sample)));
        return rows;
    }

    private static Batch batch(List<Row> rows) {
        List<Map.Entry<DeviceId, Reported>> latest = new ArrayList<>();
        List<StatusStore.Sample> history = new ArrayList<>();
        for (Row row : rows) {
            switch (row) {
                case Latest l -> latest.add(l.entry());
                case HistorySample h -> history.add(h.sample());
            }
        }
        return new Batch(latest, history);
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
