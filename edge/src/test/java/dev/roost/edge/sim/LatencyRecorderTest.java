package dev.roost.edge.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatencyRecorderTest {
    @Test
    void percentiles_areWithinABucket() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int ms = 1; ms <= 100; ms++) {
            recorder.record(Duration.ofMillis(ms).toNanos());
        }
        assertThat(recorder.count()).isEqualTo(100);
        assertThat(recorder.percentileMicros(50)).isBetween(50_000L, 53_500L);
        assertThat(recorder.percentileMicros(99)).isBetween(99_000L, 106_000L);
    }

    @Test
    void intervalBetweenTwoSnapshots_holdsOnlyTheSamplesRecordedBetweenThem() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int ms = 1; ms <= 100; ms++) {
            recorder.record(Duration.ofMillis(ms).toNanos());
        }
        LatencyHistogram ramp = recorder.snapshot();
        for (int i = 0; i < 10; i++) {
            recorder.record(Duration.ofMillis(2).toNanos());
        }
        LatencyHistogram later = recorder.snapshot();

        LatencyHistogram hold = later.since(ramp);

        assertThat(hold.count()).isEqualTo(10);
        assertThat(hold.percentileMicros(50)).isBetween(2_000L, 2_130L);
        assertThat(hold.percentileMicros(99)).isBetween(2_000L, 2_130L);
        assertThat(hold.percentileMicros(100)).isBetween(2_000L, 2_130L);
        assertThat(later.percentileMicros(99)).as("cumulative, the ramp's tail included").isGreaterThan(90_000L);
        assertThat(ramp.count()).as("a snapshot does not change").isEqualTo(100);
    }

    @Test
    void emptyInterval_hasNoSamples_andZeroPercentiles() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(1_000_000);
        LatencyHistogram first = recorder.snapshot();

        LatencyHistogram nothing = recorder.snapshot().since(first);

        assertThat(nothing.count()).isZero();
        assertThat(nothing.percentileMicros(99)).isZero();
        assertThat(nothing.buckets()).isEqualTo("-");
    }

    @Test
    void buckets_listNonEmptyBucketsByTheirUpperBound_theValuePercentilesReport() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(5_000);
        recorder.record(5_999);
        recorder.record(100_000);

        LatencyHistogram histogram = recorder.snapshot();

        assertThat(histogram.buckets()).isEqualTo("5:2,103:1");
        assertThat(histogram.percentileMicros(100)).isEqualTo(103);
    }

    @Test
    void intervalsTakenWhileOtherThreadsRecord_loseAndDoubleNothing() throws Exception {
        LatencyRecorder recorder = new LatencyRecorder();
        LatencyHistogram previous = recorder.snapshot();
        int threads = 4;
        int perThread = 200_000;
        List<Thread> recording = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(t);
            recording.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    recorder.record(random.nextLong(1_000, 5_000_000_000L));
                }
            }));
        }
        List<LatencyHistogram> intervals = new ArrayList<>();
        while (recording.stream().anyMatch(Thread::isAlive)) {
            LatencyHistogram now = recorder.snapshot();
            intervals.add(now.since(previous));
            previous = now;
        }
        for (Thread thread : recording) {
            thread.join();
        }
        LatencyHistogram last = recorder.snapshot();
        intervals.add(last.since(previous));

        assertThat(intervals.stream().mapToLong(LatencyHistogram::count).sum()).isEqualTo((long) threads * perThread);
        assertThat(merged(intervals)).isEqualTo(merged(List.of(last)));
    }

    @Test
    void since_aLaterSnapshot_isRefused() {
        LatencyRecorder recorder = new LatencyRecorder();
        LatencyHistogram empty = recorder.snapshot();
        recorder.record(1_000);

        assertThatThrownBy(() -> empty.since(recorder.snapshot())).isInstanceOf(IllegalArgumentException.class);
    }

    /** Adds up the buckets of several intervals, as the bench scripts do with HISTOGRAM lines. */
    private static TreeMap<Long, Long> merged(List<LatencyHistogram> histograms) {
        TreeMap<Long, Long> sum = new TreeMap<>();
        for (LatencyHistogram histogram : histograms) {
            String buckets = histogram.buckets();
            if (buckets.equals("-")) {
                continue;
            }
            for (String bucket : buckets.split(",")) {
                String[] pair = bucket.split(":");
                sum.merge(Long.parseLong(pair[0]), Long.parseLong(pair[1]), Long::sum);
            }
        }
        return sum;
    }
}
