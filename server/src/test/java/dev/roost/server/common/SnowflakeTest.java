package dev.roost.server.common;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnowflakeTest {

    /** A clock the test moves by hand, forwards or backwards. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(Instant.parse("2026-06-01T00:00:00Z").toEpochMilli());

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public long millis() {
            return millis.get();
        }
    }

    @Test
    void idsAreUniqueAcrossThreads() throws Exception {
        Snowflake ids = Snowflake.create(7);
        int threads = 8;
        int perThread = 50_000;
        List<Callable<long[]>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(() -> {
                long[] out = new long[perThread];
                for (int i = 0; i < perThread; i++) {
                    out[i] = ids.nextId();
                }
                return out;
            });
        }
        Set<Long> seen = new HashSet<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (Future<long[]> result : pool.invokeAll(tasks)) {
                for (long id : result.get()) {
                    assertThat(seen.add(id)).as("duplicate id %d", id).isTrue();
                }
            }
        }
        assertThat(seen).hasSize(threads * perThread);
    }

    @Test
    void idsIncreaseWithinOneThread() {
        Snowflake ids = Snowflake.create(1);
        long previous = 0;
        for (int i = 0; i < 100_000; i++) {
            long id = ids.nextId();
            assertThat(id).isGreaterThan(previous);
            previous = id;
        }
    }

    @Test
    void clockRollback_keepsIdsUniqueAndIncreasing() {
        ManualClock clock = new ManualClock();
        Snowflake ids = new Snowflake(3, clock);
        long before = ids.nextId();
        clock.millis.addAndGet(-60_000);
        Set<Long> seen = new HashSet<>();
        long previous = before;
        for (int i = 0; i < 10_000; i++) {
            long id = ids.nextId();
            assertThat(id).isGreaterThan(previous);
            assertThat(seen.add(id)).isTrue();
            previous = id;
        }
        clock.millis.addAndGet(120_000);
        assertThat(ids.nextId()).isGreaterThan(previous);
    }

    @Test
    void sequenceOverflow_rollsIntoTheNextMillisecond() {
        ManualClock clock = new ManualClock();
        Snowflake ids = new Snowflake(0, clock);
        long first = ids.nextId();
        long last = first;
        for (int i = 0; i < 4096 * 3; i++) {
            last = ids.nextId();
        }
        assertThat(Snowflake.timestampOf(last)).isAfter(Snowflake.timestampOf(first));
    }

    @Test
    void idEncodesNodeAndTime() {
        ManualClock clock = new ManualClock();
        long id = new Snowflake(1023, clock).nextId();
        assertThat(Snowflake.nodeOf(id)).isEqualTo(1023);
        assertThat(Snowflake.timestampOf(id)).isEqualTo(clock.instant());
        assertThat(id).isPositive();
    }

    @Test
    void nodeIdOutOfRange_isRejected() {
        assertThatThrownBy(() -> Snowflake.create(1024)).hasMessageContaining("0..1023");
        assertThatThrownBy(() -> Snowflake.create(-1)).hasMessageContaining("0..1023");
    }
}
