package dev.roost.server.security;

import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthFailureLimiterTest {

    @Test
    void blocksASourceAfterMaxFailures_untilTheWindowEnds() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        AuthFailureLimiter limiter = new AuthFailureLimiter(3, Duration.ofMinutes(1), Clock.fixed(start, ZoneOffset.UTC));
        for (int i = 0; i < 3; i++) {
            limiter.check("10.0.0.1");
            limiter.recordFailure("10.0.0.1");
        }
        assertThatThrownBy(() -> limiter.check("10.0.0.1"))
                .isInstanceOfSatisfying(RoostException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        assertThatCode(() -> limiter.check("10.0.0.2")).doesNotThrowAnyException();

        AuthFailureLimiter later = new AuthFailureLimiter(3, Duration.ofMinutes(1),
                Clock.fixed(start.plusSeconds(61), ZoneOffset.UTC));
        assertThatCode(() -> later.check("10.0.0.1")).doesNotThrowAnyException();
    }
}
