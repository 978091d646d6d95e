package dev.roost.server.southbound;

import dev.roost.server.config.Settings;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * Settings of the device channel ({@code roost.southbound}); defaults as docs/protocol.md §5.
 *
 * @param heartbeatInterval  how often devices must send something; silence for two intervals closes
 * @param authTimeout        how long a new connection may take to authenticate
 * @param maxFrameBytes      largest accepted message
 * @param ratePerSecond      sustained uplink messages per second per connection
 * @param rateBurst          uplink messages allowed in a burst
 * @param sessionTokenTtl    lifetime of the reconnect token issued at authentication
 * @param sweepInterval      how often the liveness sweep runs
 * @param loginWorkers       logins (credential check, bind, first reads) processed at once
 * @param loginQueue         logins waiting for a worker; one more is refused with RATE_LIMITED
 * @param closeWait          how long the server waits for the peer's answer to its close frame before
 *                           it closes the TCP connection itself
 * @param loginFailuresPerDevice  failed secret logins one address may make on one device per window
 * @param loginFailuresPerAddress failed secret logins one address may make on all devices per window
 * @param loginFailureWindow the window over which those failures drain
 * @param loginFailureTracking    counters kept in memory at most (each of pairs and addresses)
 */
public record SouthboundSettings(Duration heartbeatInterval,
                                 Duration authTimeout,
                                 int maxFrameBytes,
                                 int ratePerSecond,
                                 int rateBurst,
                                 Duration sessionTokenTtl,
                                 Duration sweepInterval,
                                 int loginWorkers,
                                 int loginQueue,
                                 Duration closeWait,
                                 int loginFailuresPerDevice,
                                 int loginFailuresPerAddress,
                                 Duration loginFailureWindow,
                                 int loginFailureTracking) {

    /** Protocol errors on one connection before it is closed with 4400. */
    public static final int MAX_PROTOCOL_ERRORS = 10;
    /** Messages dropped for rate on one connection before it is closed with 4029. */
    public static final int MAX_RATE_VIOLATIONS = 100;

    public static SouthboundSettings create(Config node) {
        return new SouthboundSettings(
                Settings.duration(node, "heartbeat-interval", Duration.ofSeconds(30)),
                Settings.duration(node, "auth-timeout", Duration.ofSeconds(10)),
                Settings.intIn(node, "max-frame-bytes", 64 * 1024, 1024, 16 * 1024 * 1024),
                Settings.intIn(node, "rate-per-second", 20, 1, 100_000),
                Settings.intIn(node, "rate-burst", 100, 1, 1_000_000),
                Settings.duration(node, "session-token-ttl", Duration.ofHours(24)),
                Settings.duration(node, "sweep-interval", Duration.ofSeconds(1)),
                Settings.intIn(node, "login-workers", 8, 1, 1024),
                Settings.intIn(node, "login-queue", 2000, 1, 100_000),
                Settings.duration(node, "close-wait", Duration.ofSeconds(2)),
                Settings.intIn(node, "login-failures-per-device", 5, 1, 1_000_000),
                Settings.intIn(node, "login-failures-per-address", 20, 1, 1_000_000),
                Settings.duration(node, "login-failure-window", Duration.ofMinutes(1)),
                Settings.intIn(node, "login-failure-tracking", 100_000, 100, 10_000_000));
    }
}
