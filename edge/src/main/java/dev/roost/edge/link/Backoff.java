package dev.roost.edge.link;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: attempt n waits a uniform random time in
 * [0, min(cap, base * multiplier^n)], the first retry included, so that a fleet cut off at once does
 * not come back at once. Not thread-safe: one reconnect loop owns it.
 */
public final class Backoff {
    private final BackoffSettings settings;
    private final RandomGenerator random;
    private int attempts;

    public Backoff(BackoffSettings settings, RandomGenerator random) {
        this.settings = settings;
        this.random = random;
    }

    /** The wait before the next attempt; counts the attempt. */
    public Duration next() {
        double ceiling = Math.min(settings.cap().toNanos(),
                settings.base().toNanos() * Math.pow(settings.multiplier(), Math.min(attempts, 64)));
        attempts++;
        return Duration.ofNanos((long) (random.nextDouble() * ceiling));
    }

    /** Failed attempts since the last reset. */
    public int attempts() {
        return attempts;
    }

    /** True when {@code maxAttempts} is set and used up. */
    public boolean exhausted() {
        return settings.maxAttempts() > 0 && attempts >= settings.maxAttempts();
    }

    public void reset() {
        attempts = 0;
    }

    public BackoffSettings settings() {
        return settings;
    }
}
