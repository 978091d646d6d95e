package dev.roost.edge.sim;

import java.util.Arrays;

/**
 * The counts of a {@link LatencyRecorder} at one moment, immutable. The difference of two snapshots
 * ({@link #since}) is exactly the samples recorded between them, so interval percentiles need no
 * second recorder and no reset; and since bucket counts add up, the {@link #buckets()} of any
 * intervals and processes can be merged into exact percentiles later (percentiles themselves cannot
 * be averaged).
 */
public final class LatencyHistogram {
    static final LatencyHistogram EMPTY = new LatencyHistogram(new long[LatencyRecorder.BUCKETS]);

    private final long[] counts;
    private final long total;

    LatencyHistogram(long[] counts) {
        this.counts = counts;
        this.total = Arrays.stream(counts).sum();
    }

    public long count() {
        return total;
    }

    /** The latency in microseconds below which {@code percentile} percent of the samples fall; 0 when empty. */
    public long percentileMicros(double percentile) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(total * percentile / 100.0));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return LatencyRecorder.upperBound(i);
            }
        }
        return LatencyRecorder.upperBound(counts.length - 1);
    }

    /** The samples recorded after {@code earlier} up to this snapshot. */
    public LatencyHistogram since(LatencyHistogram earlier) {
        long[] difference = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            difference[i] = counts[i] - earlier.counts[i];
            if (difference[i] < 0) {
                throw new IllegalArgumentException("not an earlier snapshot of the same recorder");
            }
        }
        return new LatencyHistogram(difference);
    }

    /**
     * The non-empty buckets as {@code upper_bound_us:count} pairs, comma-separated, in increasing
     * order ({@code -} when empty). The upper bound is the value {@link #percentileMicros} reports for
     * a sample in that bucket, so percentiles computed from merged buckets match the recorder's.
     */
    public String buckets() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                if (!text.isEmpty()) {
                    text.append(',');
                }
                text.append(LatencyRecorder.upperBound(i)).append(':').append(counts[i]);
            }
        }
        return text.isEmpty() ? "-" : text.toString();
    }
}
