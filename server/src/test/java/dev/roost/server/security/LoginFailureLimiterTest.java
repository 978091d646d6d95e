package dev.roost.server.security;

import dev.roost.server.support.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LoginFailureLimiterTest {
    private final ManualClock clock = new ManualClock();
    /** 5 failures per pair, 20 per address, per minute: one failure drains every 12 s / 3 s. */
    private final LoginFailureLimiter limiter = new LoginFailureLimiter(5, 20, Duration.ofMinutes(1), 1000, clock);

    private void fail(String address, String device) {
        assertThat(limiter.begin(address, device).refused()).as("%s on %s admitted", address, device).isFalse();
    }

    @Test
    void aStrangerWhoGuessesADevicesSecret_isRefused_butTheDeviceStillLogsInFromItsOwnAddress() {
        for (int i = 0; i < 5; i++) {
            fail("203.0.113.9", "device:1");
        }
        LoginFailureLimiter.Admission stranger = limiter.begin("203.0.113.9", "device:1");
        assertThat(stranger.refused()).isTrue();
        assertThat(stranger.retryAfter()).isEqualTo(Duration.ofSeconds(12));
        assertThat(limiter.blocked("203.0.113.9", "device:1")).contains(Duration.ofSeconds(12));

        assertThat(limiter.blocked("198.51.100.7", "device:1")).isEmpty();
        LoginFailureLimiter.Admission holder = limiter.begin("198.51.100.7", "device:1");
        assertThat(holder.refused()).isFalse();
        holder.attempt().orElseThrow().succeeded();
    }

    @Test
    void oneAddressGuessingAcrossManyDevices_isRefusedAfterItsBudget_otherAddressesAreNot() {
        for (int i = 0; i < 20; i++) {
            fail("203.0.113.9", "device:" + i);
        }
        assertThat(limiter.blocked("203.0.113.9", "device:999")).contains(Duration.ofSeconds(3));
        assertThat(limiter.begin("203.0.113.9", "device:999").refused()).isTrue();
        assertThat(limiter.begin("198.51.100.7", "device:999").refused()).isFalse();
        assertThat(limiter.refusals()).isEqualTo(2);
    }

    @Test
    void failuresDrainSteadily_soAGuesserGetsItsRatePerWindowAndNoMore() {
        for (int i = 0; i < 20; i++) {
            fail("203.0.113.9", "device:" + i);
        }
        clock.advance(Duration.ofMillis(2_999));
        assertThat(limiter.begin("203.0.113.9", "device:100").refused()).isTrue();
        clock.advance(Duration.ofMillis(1));
        fail("203.0.113.9", "device:100");
        assertThat(limiter.begin("203.0.113.9", "device:101").refused()).isTrue();

        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 20; i++) {
            fail("203.0.113.9", "device:" + (200 + i));
        }
        assertThat(limiter.begin("203.0.113.9", "device:300").refused()).isTrue();
    }

    @Test
    void success_forgetsThePairsFailures_butGivesTheAddressBackOnlyItsOwnReservation() {
        for (int i = 0; i < 4; i++) {
            fail("203.0.113.9", "device:1");
        }
        limiter.begin("203.0.113.9", "device:1").attempt().orElseThrow().succeeded();
        for (int i = 0; i < 5; i++) {
            fail("203.0.113.9", "device:1");
        }
        assertThat(limiter.begin("203.0.113.9", "device:1").refused()).isTrue();
        // 4 + 5 failures held by the address: 11 more fit, not 20.
        for (int i = 0; i < 11; i++) {
            fail("203.0.113.9", "device:" + (10 + i));
        }
        assertThat(limiter.begin("203.0.113.9", "device:50").refused()).isTrue();
    }

    @Test
    void concurrentAttemptsReserveBeforeTheCheck_soTheyCannotOvershoot() {
        List<LoginFailureLimiter.Attempt> inFlight = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            inFlight.add(limiter.begin("203.0.113.9", "device:1").attempt().orElseThrow());
        }
        assertThat(limiter.begin("203.0.113.9", "device:1").refused()).isTrue();
        inFlight.getFirst().succeeded();
        assertThat(limiter.begin("203.0.113.9", "device:1").refused()).isFalse();
    }

    @Test
    void ipv6AddressesCountPerSlash64() {
        for (int i = 0; i < 20; i++) {
            fail("2001:db8:0:0::" + Integer.toHexString(i + 1), "device:" + i);
        }
        assertThat(limiter.begin("2001:db8::ffff", "device:99").refused()).isTrue();
        assertThat(limiter.begin("2001:db8:0:1::1", "device:99").refused()).isFalse();
    }

    @Test
    void memoryIsBounded_andEvictionsAreCounted() {
        LoginFailureLimiter small = new LoginFailureLimiter(5, 20, Duration.ofMinutes(1), 10, clock);
        for (int i = 0; i < 100; i++) {
            assertThat(small.begin("10.0.0." + i, "device:" + i).refused()).isFalse();
            assertThat(small.tracked()).isLessThanOrEqualTo(20);
        }
        assertThat(small.evictions()).isPositive();

        // Drained buckets go first, and are not counted as evictions.
        clock.advance(Duration.ofMinutes(1));
        long before = small.evictions();
        small.begin("10.1.0.1", "device:1");
        assertThat(small.evictions()).isEqualTo(before);
        assertThat(small.tracked()).isEqualTo(2);
    }
}
