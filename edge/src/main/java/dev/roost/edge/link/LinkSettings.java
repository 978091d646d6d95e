package dev.roost.edge.link;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The device link of one device.
 *
 * @param serverUri      {@code ws://host:port/ws}
 * @param credentials    device id or hardware identity, and secret
 * @param sourceAddress  local address to bind (the simulator spreads devices over 127.0.0.x)
 * @param connectTimeout TCP connect plus WebSocket handshake, and again the wait for {@code auth_ok}
 * @param backoff        the reconnect loop's waits
 * @param agentVersion   sent in {@code auth}
 * @param alwaysPing     ping every heartbeat interval even when other traffic flowed (the simulator
 *                       measures round trips that way); the agent pings only when idle
 */
public record LinkSettings(URI serverUri, Credentials credentials, Optional<InetAddress> sourceAddress,
                           Duration connectTimeout, BackoffSettings backoff, String agentVersion, boolean alwaysPing) {
}
