package dev.roost.edge.link;

import java.time.Duration;

/**
 * How the reconnect loop waits between attempts.
 *
 * @param base         the first retry waits up to this long
 * @param multiplier   growth per failed attempt
 * @param cap          no wait is longer than this
 * @param healthyAfter a link that stayed up this long resets the backoff
 * @param maxAttempts  give up after this many failed attempts in a row; 0 = retry forever
 */
public record BackoffSettings(Duration base, double multiplier, Duration cap, Duration healthyAfter, int maxAttempts) {
    public static final BackoffSettings DEFAULT = new BackoffSettings(Duration.ofSeconds(1), 2.0,
            Duration.ofMinutes(5), Duration.ofMinutes(1), 0);

    public BackoffSettings {
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("base must be > 0");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be >= 1");
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("cap must be >= base");
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("max-attempts must be >= 0");
        }
    }
}
