package dev.roost.server.status;

import dev.roost.server.config.Settings;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * Settings of status persistence ({@code roost.status}).
 *
 * @param flushInterval   longest time a report waits before it is written (the flush lag bound)
 * @param historyInterval at most one history sample per device per interval; zero samples every report
 * @param historyRetention how long history samples are kept
 * @param flushWriters    database connections one flush writes on at once (batches of disjoint id ranges)
 */
public record StatusSettings(Duration flushInterval, Duration historyInterval, Duration historyRetention,
                             int flushWriters) {
    public static StatusSettings create(Config node) {
        return new StatusSettings(
                Settings.duration(node, "flush-interval", Duration.ofSeconds(1)),
                Settings.durationOrZero(node, "history-interval", Duration.ofMinutes(5)),
                Settings.duration(node, "history-retention", Duration.ofDays(7)),
                Settings.intIn(node, "flush-writers", 2, 1, 64));
    }
}
