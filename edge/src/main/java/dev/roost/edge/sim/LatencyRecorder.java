package dev.roost.edge.sim;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-linear histogram of latencies in microseconds (16 sub-buckets per power of two,
 * so percentiles are within ~6%), cheap enough to record every round trip of a large fleet.
 */
public final class LatencyRecorder {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = SUB + (64 - SUB_BITS) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long nanos) {
        counts.incrementAndGet(index(Math.max(0, nanos / 1000)));
    }

    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The latency in microseconds below which {@code percentile} percent of the samples fall; 0 when empty. */
    public long percentileMicros(double percentile) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * percentile / 100.0);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
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
