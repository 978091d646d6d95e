package dev.roost.bench;

import io.grpc.Status;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latencies (microseconds, 3 significant digits) of one operation's successful calls, and its
 * failures by gRPC status. Safe for many concurrent writers.
 */
final class OperationStats {
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder latencies = new Recorder(SIGNIFICANT_DIGITS);
    private final Map<Status.Code, LongAdder> errors = new ConcurrentHashMap<>();

    void recordSuccess(long nanos) {
        latencies.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)));
    }

    void recordError(Status.Code code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Everything recorded so far; call once, at the end. */
    Snapshot snapshot() {
        Map<String, Long> byCode = new TreeMap<>();
        errors.forEach((code, count) -> byCode.put(code.name(), count.sum()));
        return new Snapshot(latencies.getIntervalHistogram(), byCode);
    }

    record Snapshot(Histogram histogram, Map<String, Long> errors) {
        long successes() {
            return histogram.getTotalCount();
        }

        long failures() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Latency at {@code percentile} (0..100) in milliseconds. */
        double millisAt(double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMillis() {
            return histogram.getMaxValue() / 1000.0;
        }

        double meanMillis() {
            return histogram.getMean() / 1000.0;
        }
    }
}
