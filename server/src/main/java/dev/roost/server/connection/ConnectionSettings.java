package dev.roost.server.connection;

import dev.roost.server.config.Settings;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * Settings of the connection monitor ({@code roost.connections}).
 *
 * @param headerTimeout how long a connection may take from accept (or from a request line) to the
 *                      end of its request headers; for HTTP/2 until its first request
 * @param closeWait     after a response with {@code Connection: close}, how long the server waits
 *                      with nothing more to write before it closes the socket
 * @param sweepInterval how often the monitor checks every connection
 */
public record ConnectionSettings(Duration headerTimeout, Duration closeWait, Duration sweepInterval) {

    public static ConnectionSettings create(Config node) {
        return new ConnectionSettings(
                Settings.duration(node, "header-timeout", Duration.ofSeconds(10)),
                Settings.duration(node, "close-wait", Duration.ofSeconds(2)),
                Settings.duration(node, "sweep-interval", Duration.ofSeconds(1)));
    }
}
