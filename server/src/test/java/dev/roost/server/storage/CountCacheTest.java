package dev.roost.server.storage;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class CountCacheTest {

    @Test
    void countsAreReusedWhileFresh_perQueryAndParameters_andForgottenOnInvalidate() {
        AtomicLong queries = new AtomicLong();
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        CountCache cache = new CountCache(Duration.ofSeconds(2), Clock.fixed(start, ZoneOffset.UTC));
        assertThat(cache.count("SELECT", List.of(1), queries::incrementAndGet)).isEqualTo(1);
        assertThat(cache.count("SELECT", List.of(1), queries::incrementAndGet)).isEqualTo(1);
        assertThat(cache.count("SELECT", List.of(2), queries::incrementAndGet)).isEqualTo(2);
        cache.invalidate();
        assertThat(cache.count("SELECT", List.of(1), queries::incrementAndGet)).isEqualTo(3);

        CountCache expired = new CountCache(Duration.ZERO, Clock.fixed(start, ZoneOffset.UTC));
        expired.count("SELECT", List.of(), () -> 7);
        assertThat(expired.count("SELECT", List.of(), () -> 8)).isEqualTo(8);
    }

    @Test
    void aCountThatOverlappedAWrite_isReturnedButNotKept() {
        CountCache cache = new CountCache(Duration.ofSeconds(2), Clock.systemUTC());
        // The count reads 240 rows, then the presence batch commits and invalidates before the count returns.
        long seen = cache.count("SELECT", List.of("ONLINE"), () -> {
            cache.invalidate();
            return 240;
        });

        assertThat(seen).isEqualTo(240);
        assertThat(cache.count("SELECT", List.of("ONLINE"), () -> 500)).as("counted again, not the stale 240")
                .isEqualTo(500);
        assertThat(cache.count("SELECT", List.of("ONLINE"), () -> 501)).as("a clean count is kept").isEqualTo(500);
    }
}
