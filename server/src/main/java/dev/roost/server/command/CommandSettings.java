package dev.roost.server.command;

import dev.roost.server.config.Settings;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * Settings of command delivery ({@code roost.commands}).
 *
 * @param defaultTimeout         how long a device may take once a command is delivered
 * @param defaultDeliveryWindow  how long an undelivered command waits before it expires
 * @param maxInFlightPerDevice   commands sent to one device and not finished, at most
 * @param sweepInterval          how often timeouts and expiries are checked
 * @param maxConcurrentSends     sends being stored at once; more are refused at once with RATE_LIMITED
 * @param restartGrace           after a start, how long from the listener opening running commands are kept
 *                               at least, so that their devices can reconnect and answer ({@link RestartGrace})
 * @param resultWorkers          threads that store device results off the connections' threads
 * @param resultQueue            results waiting for those threads, at most; more are refused for a resend
 * @param writeWindow            how long state changes wait for others to share their transaction (group
 *                               commit, {@link TransitionWriter}) once the previous batch had company; zero
 *                               writes whatever is waiting at once, and what arrives meanwhile forms the next batch
 * @param ackWriteDelay          how long a device's acknowledgement is held back before it is written, so that
 *                               a result arriving within it replaces it (zero: written with the next batch)
 */
public record CommandSettings(Duration defaultTimeout, Duration defaultDeliveryWindow, int maxInFlightPerDevice,
                              Duration sweepInterval, int maxConcurrentSends, Duration restartGrace,
                              int resultWorkers, int resultQueue, Duration writeWindow,
                              Duration ackWriteDelay) {
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    /**
     * At 1,000 commands/s it cut the server's and MariaDB's CPU per command by 38 % against none
     * for 4 ms more p50; below ~300/s batches rarely have company and nothing waits (docs/benchmarks.md).
     */
    static final Duration DEFAULT_WRITE_WINDOW = Duration.ofMillis(2);
    public static final Duration MAX_WAIT = Duration.ofMinutes(5);
    public static final Duration MAX_DELIVERY_WINDOW = Duration.ofDays(30);

    public static CommandSettings create(Config node) {
        return new CommandSettings(
                Settings.duration(node, "default-timeout", Duration.ofSeconds(30)),
                Settings.duration(node, "default-delivery-window", Duration.ofHours(24)),
                Settings.intIn(node, "max-in-flight-per-device", 8, 1, 1000),
                Settings.duration(node, "sweep-interval", Duration.ofMillis(500)),
                Settings.intIn(node, "max-concurrent-sends", 64, 1, 100_000),
                Settings.duration(node, "restart-grace", Duration.ofMinutes(2)),
                Settings.intIn(node, "result-workers", 4, 1, 64),
                Settings.intIn(node, "result-queue", 10_000, 1, 1_000_000),
                Settings.durationOrZero(node, "write-window", DEFAULT_WRITE_WINDOW),
                Settings.durationOrZero(node, "ack-write-delay", Duration.ofSeconds(1)));
    }
}
