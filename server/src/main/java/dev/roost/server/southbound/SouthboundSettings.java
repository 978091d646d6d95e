package dev.roost.server.southbound;

import dev.roost.server.config.Settings;
import io.helidon.config.Config;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;

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
 * @param maxSessions        device connections (authenticated or not) this node holds at most; beyond
 *                           them an upgrade is refused with 503 ({@link SessionCap}). Unless
 *                           configured, derived from the process's open-file limit by
 *                           {@link #sessionsWithin(long)}: the limit minus {@value #FILE_HEADROOM}
 *                           descriptors for the API, health checks, database pool, NATS, logs and
 *                           jars, but at least half the limit (so that a small limit such as 1,024
 *                           still holds 512 devices); empty (no cap) when the limit is unknown, or
 *                           when configured as 0
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
                                 int loginFailureTracking,
                                 OptionalInt maxSessions) {

    /** Protocol errors on one connection before it is closed with 4400. */
    public static final int MAX_PROTOCOL_ERRORS = 10;
    /** Messages dropped for rate on one connection before it is closed with 4029. */
    public static final int MAX_RATE_VIOLATIONS = 100;
    /**
     * Descriptors kept free beside the device sessions: above the listener's own reserve
     * ({@code RoostServer}'s connection limit keeps 512 free), so that about 500 API and health
     * connections still get in while the node holds its cap.
     */
    public static final int FILE_HEADROOM = 1000;

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
                Settings.intIn(node, "login-failure-tracking", 100_000, 100, 10_000_000),
                maxSessions(node, openFileLimit()));
    }

    static OptionalInt maxSessions(Config node, OptionalLong openFileLimit) {
        int configured = Settings.intIn(node, "max-sessions", -1, 0, 100_000_000);
        if (configured == 0) {
            return OptionalInt.empty();
        }
        if (configured > 0) {
            return OptionalInt.of(configured);
        }
        return openFileLimit.isPresent() ? sessionsWithin(openFileLimit.getAsLong()) : OptionalInt.empty();
    }

    /** The default cap for an open-file limit (see {@code maxSessions}); empty for no usable limit. */
    public static OptionalInt sessionsWithin(long openFileLimit) {
        if (openFileLimit <= 0 || openFileLimit >= Integer.MAX_VALUE) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) Math.max(openFileLimit - FILE_HEADROOM, openFileLimit / 2));
    }

    private static OptionalLong openFileLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return OptionalLong.of(unix.getMaxFileDescriptorCount());
        }
        return OptionalLong.empty();
    }
}
