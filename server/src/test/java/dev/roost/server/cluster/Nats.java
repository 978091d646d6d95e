package dev.roost.server.cluster;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** The NATS server the cluster tests use: {@code roost.test.nats} or 127.0.0.1:4222. */
final class Nats {
    static final String URL = System.getProperty("roost.test.nats", "nats://127.0.0.1:4222");

    private Nats() {
    }

    /** Skips the calling test, saying why, when no NATS answers. */
    static void assumeRunning() {
        java.net.URI uri = java.net.URI.create(URL);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
        } catch (IOException e) {
            Assumptions.abort("no NATS at " + URL + " (.ci/run starts one): " + e.getMessage());
        }
    }

    /** Settings of a cluster of its own, so that tests never see each other's nodes. */
    static ClusterSettings cluster(String nodeName, Duration leaseTtl) {
        return new ClusterSettings(Optional.of(URL), "t" + UUID.randomUUID().toString().substring(0, 8), nodeName,
                leaseTtl, Duration.ofSeconds(1));
    }

    static ClusterSettings sameCluster(ClusterSettings other, String nodeName) {
        return new ClusterSettings(other.natsUrl(), other.name(), nodeName, other.leaseTtl(), other.requestTimeout());
    }
}
