package dev.roost.edge.link;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The device link of one device.
 *
 * @param serverUris     {@code ws://host:port/ws} or {@code wss://host:port/ws}, one or more, all of one
 *                       scheme: the first attempt goes to the first; each failed attempt and each lost
 *                       link moves on to the next, round the list (see {@link ConnectionManager})
 * @param tls            how to speak TLS; present exactly for {@code wss://} URIs
 * @param credentials    device id or hardware identity, and secret
 * @param sourceAddress  local address to bind (the simulator spreads devices over 127.0.0.x)
 * @param connectTimeout TCP connect plus WebSocket handshake, and again the wait for {@code auth_ok}
 * @param backoff        the reconnect loop's waits
 * @param agentVersion   sent in {@code auth}
 * @param alwaysPing     ping every heartbeat interval even when other traffic flowed (the simulator
 *                       measures round trips that way); the agent pings only when idle
 */
public record LinkSettings(List<URI> serverUris, Optional<ClientTls> tls, Credentials credentials,
                           Optional<InetAddress> sourceAddress, Duration connectTimeout, BackoffSettings backoff,
                           String agentVersion, boolean alwaysPing) {
    public LinkSettings {
        serverUris = List.copyOf(serverUris);
        if (serverUris.isEmpty()) {
            throw new IllegalArgumentException("at least one server URI is needed");
        }
        for (URI uri : serverUris) {
            boolean secure = "wss".equals(uri.getScheme());
            if (secure != tls.isPresent()) {
                throw new IllegalArgumentException(secure ? "a wss:// server URI needs TLS settings, " + uri
                        : "TLS settings need wss:// server URIs, not " + uri);
            }
        }
    }

    /** One server. */
    public LinkSettings(URI serverUri, Optional<ClientTls> tls, Credentials credentials,
                        Optional<InetAddress> sourceAddress, Duration connectTimeout, BackoffSettings backoff,
                        String agentVersion, boolean alwaysPing) {
        this(List.of(serverUri), tls, credentials, sourceAddress, connectTimeout, backoff, agentVersion, alwaysPing);
    }

    /** The same list begun at {@code first} (mod its size): spreads devices that share one list over it. */
    public static List<URI> startingAt(List<URI> uris, int first) {
        int n = uris.size();
        int start = Math.floorMod(first, n);
        ArrayList<URI> rotated = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rotated.add(uris.get((start + i) % n));
        }
        return List.copyOf(rotated);
    }
}
