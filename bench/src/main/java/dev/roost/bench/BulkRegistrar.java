package dev.roost.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * Registers bench devices 0..n-1 ({@link BenchDevices}) through the gRPC RegisterDevice call, at most
 * {@code concurrency} at a time on virtual threads. Devices that exist already are skipped, so
 * re-running completes a partly registered set.
 */
final class BulkRegistrar {
    private static final int PROGRESS_EVERY = 10_000;

    private final DeviceStubs stubs;
    private final int concurrency;
    private final PrintWriter out;
    private final LongAdder created = new LongAdder();
    private final LongAdder existed = new LongAdder();
    private final Map<Status.Code, LongAdder> failures = new ConcurrentHashMap<>();

    record Outcome(long created, long existed, long failed, Map<Status.Code, LongAdder> failures, Duration took) {
    }

    BulkRegistrar(DeviceStubs stubs, int concurrency, PrintWriter out) {
        this.stubs = stubs;
        this.concurrency = concurrency;
        this.out = out;
    }

    Outcome provision(int count) throws InterruptedException {
        long started = System.nanoTime();
        Semaphore permits = new Semaphore(concurrency);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                permits.acquire();
                int index = i;
                executor.submit(() -> {
                    try {
                        register(index);
                    } finally {
                        permits.release();
                    }
                });
                if ((i + 1) % PROGRESS_EVERY == 0) {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    out.printf("  %,d / %,d submitted (%.0f registrations/s)%n", i + 1, count, (i + 1) / seconds);
                    out.flush();
                }
            }
        }
        long failed = failures.values().stream().mapToLong(LongAdder::sum).sum();
        return new Outcome(created.sum(), existed.sum(), failed, failures,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private void register(int index) {
        try {
            stubs.next().registerDevice(BenchDevices.registration(index));
            created.increment();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
                existed.increment();
            } else {
                failures.computeIfAbsent(e.getStatus().getCode(), code -> new LongAdder()).increment();
            }
        }
    }
}
