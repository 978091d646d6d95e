package dev.roost.server.security;

import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Blocks a source (remote address) that failed authentication too often: after {@code maxFailures}
 * failures within one window, its requests are refused until the window ends.
 */
public final class AuthFailureLimiter {
    /** Above this many tracked sources, expired windows are purged before a new one is added. */
    private static final int PURGE_THRESHOLD = 100_000;

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(long startMillis, int failures) {
    }

    public AuthFailureLimiter(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    /** @throws RoostException RATE_LIMITED while {@code source} is blocked */
    public void check(String source) {
        Window current = windows.get(source);
        long now = clock.millis();
        if (current != null && current.failures() >= maxFailures && now - current.startMillis() < window.toMillis()) {
            long retryAfter = (current.startMillis() + window.toMillis() - now + 999) / 1000;
            throw new RoostException(ErrorCode.RATE_LIMITED,
                    "too many failed authentications from this address; retry in " + retryAfter + " s");
        }
    }

    public void recordFailure(String source) {
        long now = clock.millis();
        if (windows.size() > PURGE_THRESHOLD) {
            windows.values().removeIf(w -> now - w.startMillis() >= window.toMillis());
        }
        windows.compute(source, (key, current) -> current == null || now - current.startMillis() >= window.toMillis()
                ? new Window(now, 1)
                : new Window(current.startMillis(), current.failures() + 1));
    }
}
