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
 */
public record CommandSettings(Duration defaultTimeout, Duration defaultDeliveryWindow, int maxInFlightPerDevice,
                              Duration sweepInterval, int maxConcurrentSends) {
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    public static final Duration MAX_WAIT = Duration.ofMinutes(5);
    public static final Duration MAX_DELIVERY_WINDOW = Duration.ofDays(30);

    public static CommandSettings create(Config node) {
        return new CommandSettings(
                Settings.duration(node, "default-timeout", Duration.ofSeconds(30)),
                Settings.duration(node, "default-delivery-window", Duration.ofHours(24)),
                Settings.intIn(node, "max-in-flight-per-device", 8, 1, 1000),
                Settings.duration(node, "sweep-interval", Duration.ofMillis(500)),
                Settings.intIn(node, "max-concurrent-sends", 64, 1, 100_000));
    }
}
