package dev.roost.edge.link;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The device link of one device.
 *
 * @param serverUri      {@code ws://host:port/ws} or {@code wss://host:port/ws}
 * @param tls            how to speak TLS; present exactly for a {@code wss://} URI
 * @param credentials    device id or hardware identity, and secret
 * @param sourceAddress  local address to bind (the simulator spreads devices over 127.0.0.x)
 * @param connectTimeout TCP connect plus WebSocket handshake, and again the wait for {@code auth_ok}
 * @param backoff        the reconnect loop's waits
 * @param agentVersion   sent in {@code auth}
 * @param alwaysPing     ping every heartbeat interval even when other traffic flowed (the simulator
 *                       measures round trips that way); the agent pings only when idle
 */
public record LinkSettings(URI serverUri, Optional<ClientTls> tls, Credentials credentials,
                           Optional<InetAddress> sourceAddress, Duration connectTimeout, BackoffSettings backoff,
                           String agentVersion, boolean alwaysPing) {
    public LinkSettings {
        boolean secure = "wss".equals(serverUri.getScheme());
        if (secure != tls.isPresent()) {
            throw new IllegalArgumentException(secure ? "a wss:// server URI needs TLS settings"
                    : "TLS settings need a wss:// server URI, not " + serverUri);
        }
    }
}
