package dev.roost.server.status;

import dev.roost.server.common.DeviceId;

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
 * older write of the same row.
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

    private final StatusStore store;
    private final int writers;

    StatusBatchWriter(StatusStore store, int writers) {
        this.store = store;
        this.writers = writers;
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
                store.write(lane.get(i).rows(), lane.get(i).history());
            } catch (RuntimeException e) {
                return Optional.of(new Failure(List.copyOf(lane.subList(i, lane.size())), e));
            } catch (Error e) {
                return Optional.of(new Failure(List.copyOf(lane.subList(i, lane.size())),
                        new IllegalStateException("status writer failed", e)));
            }
        }
        return Optional.empty();
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
