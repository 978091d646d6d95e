package dev.roost.edge.sim;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-linear histogram of latencies in microseconds (16 sub-buckets per power of two,
 * so percentiles are within ~6%), cheap enough to record every round trip of a large fleet. It only
 * grows; {@link #snapshot()} and {@link LatencyHistogram#since} give the samples of any interval.
 */
public final class LatencyRecorder {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    static final int BUCKETS = SUB + (64 - SUB_BITS) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long nanos) {
        counts.incrementAndGet(index(Math.max(0, nanos / 1000)));
    }

    /**
     * The counts so far. Taken while samples are being recorded, each of those lands in this snapshot
     * or in the next one, never in both: the intervals between snapshots lose and double nothing.
     */
    public LatencyHistogram snapshot() {
        long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
        }
        return new LatencyHistogram(copy);
    }

    public long count() {
        return snapshot().count();
    }

    /** Since the recorder was created; see {@link LatencyHistogram#percentileMicros}. */
    public long percentileMicros(double percentile) {
        return snapshot().percentileMicros(percentile);
    }

    static int index(long micros) {
        if (micros < SUB) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        int sub = (int) ((micros >>> (exponent - SUB_BITS)) & (SUB - 1));
        return SUB + (exponent - SUB_BITS) * SUB + sub;
    }

    static long upperBound(int index) {
        if (index < SUB) {
            return index;
        }
        int exponent = (index - SUB) / SUB + SUB_BITS;
        int sub = (index - SUB) % SUB;
        return ((long) (SUB + sub + 1) << (exponent - SUB_BITS)) - 1;
    }
}
