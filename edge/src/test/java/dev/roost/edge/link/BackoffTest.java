package dev.roost.edge.link;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    private static final BackoffSettings SETTINGS = new BackoffSettings(Duration.ofMillis(100), 2.0,
            Duration.ofSeconds(2), Duration.ofSeconds(30), 0);

    @Test
    void everyWait_staysWithinZeroAndTheGrowingCeiling_cappedAtCap() {
        Backoff backoff = new Backoff(SETTINGS, new Random(7));
        for (int attempt = 0; attempt < 50; attempt++) {
            long ceiling = Math.min(2000, 100L << Math.min(attempt, 20));
            assertThat(backoff.next().toMillis()).isBetween(0L, ceiling);
        }
    }

    @Test
    void theFirstRetry_isJitteredToo() {
        Set<Long> firstWaits = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            long wait = new Backoff(SETTINGS, new SplittableRandom(seed)).next().toMillis();
            assertThat(wait).isLessThanOrEqualTo(100);
            firstWaits.add(wait);
        }
        assertThat(firstWaits).hasSizeGreaterThan(10);
    }

    @Test
    void sameSeed_givesTheSameWaits() {
        Backoff a = new Backoff(SETTINGS, new Random(3));
        Backoff b = new Backoff(SETTINGS, new Random(3));
        for (int i = 0; i < 10; i++) {
            assertThat(a.next()).isEqualTo(b.next());
        }
    }

    @Test
    void waitsGrow_untilReset_thenStartFromBaseAgain() {
        Backoff backoff = new Backoff(SETTINGS, new Random(11));
        long late = 0;
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        for (int i = 0; i < 20; i++) {
            late = Math.max(late, backoff.next().toMillis());
        }
        assertThat(late).isGreaterThan(100);
        backoff.reset();
        assertThat(backoff.attempts()).isZero();
        assertThat(backoff.next().toMillis()).isLessThanOrEqualTo(100);
    }

    @Test
    void maxAttempts_exhaustsTheBackoff_zeroRetriesForever() {
        Backoff limited = new Backoff(new BackoffSettings(Duration.ofMillis(1), 2, Duration.ofMillis(10),
                Duration.ofSeconds(1), 3), new Random(1));
        Backoff forever = new Backoff(SETTINGS, new Random(1));
        for (int i = 0; i < 3; i++) {
            assertThat(limited.exhausted()).isFalse();
            limited.next();
            forever.next();
        }
        assertThat(limited.exhausted()).isTrue();
        assertThat(forever.exhausted()).isFalse();
    }
}
