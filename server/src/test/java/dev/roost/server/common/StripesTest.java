package dev.roost.server.common;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StripesTest {
    @Test
    void idsIssuedOnePerMillisecond_spreadOverTheStripes() {
        // Sequence 0 in every id: the shape that put 1,000 devices on 7 of 1,024 lock stripes.
        long[] ids = IntStream.range(0, 1000)
                .mapToLong(ms -> new Snowflake(3, Clock.fixed(Instant.parse("2026-12-05T00:00:00Z").plusMillis(ms),
                        ZoneOffset.UTC)).nextId())
                .toArray();
        Set<Integer> byHashCode = new HashSet<>();
        Set<Integer> byStripes = new HashSet<>();
        int[] perStripe = new int[1024];
        for (long id : ids) {
            byHashCode.add(Math.floorMod(Long.hashCode(id), 1024));
            int stripe = Stripes.of(id, 1024);
            byStripes.add(stripe);
            perStripe[stripe]++;
        }

        assertThat(byHashCode).as("what Long.hashCode made of them").hasSizeLessThan(64);
        // 1,000 keys thrown at random on 1,024 stripes land on ~632 of them, at most ~6 on one.
        assertThat(byStripes).hasSizeGreaterThan(550);
        assertThat(IntStream.of(perStripe).max().orElseThrow()).isLessThanOrEqualTo(8);
    }

    @Test
    void everyKey_hasAStripeInRange() {
        for (long key : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 387396051352420352L}) {
            assertThat(Stripes.of(key, 4)).isBetween(0, 3);
            assertThat(Stripes.of(key, 1)).isZero();
        }
        assertThatThrownBy(() -> Stripes.of(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
