package dev.roost.server.cluster;

import dev.roost.server.config.Settings;
import io.helidon.config.Config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code roost.cluster} settings. Clustering is on when {@code nats-url} is set.
 *
 * @param natsUrl        NATS server URL(s), comma-separated; empty: single node
 * @param name           the cluster's name: its NATS subjects and buckets start with it, so that
 *                       several clusters (or test runs) can share one NATS
 * @param nodeName       how this node names itself in the node list (default: the host name)
 * @param leaseTtl       a node whose lease was not refreshed for this long is dead: its devices
 *                       count as offline and its worker id may be taken again
 * @param requestTimeout how long a cross-node call waits for the other node
 */
public record ClusterSettings(Optional<String> natsUrl, String name, String nodeName, Duration leaseTtl,
                              Duration requestTimeout) {

    public static ClusterSettings create(Config cluster) {
        // ROOST_CLUSTER_NATS_URL names roost.cluster.nats.url (the environment maps '_' to '.'): taken as
        // nats-url, so that the variable operators expect works without the _DASH_ spelling.
        String url = Settings.string(cluster, "nats-url", Settings.string(cluster, "nats.url", ""));
        String name = Settings.string(cluster, "name", "roost");
        if (!name.matches("[A-Za-z0-9_-]{1,32}")) {
            throw Settings.invalid(cluster, "name", "must be 1..32 letters, digits, '-' or '_', was '" + name + "'");
        }
        Duration ttl = Settings.duration(cluster, "lease-ttl", Duration.ofSeconds(10));
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw Settings.invalid(cluster, "lease-ttl", "must be at least PT1S, was " + ttl);
        }
        return new ClusterSettings(url.isBlank() ? Optional.empty() : Optional.of(url.strip()), name,
                Settings.string(cluster, "node-name", Settings.string(cluster, "node.name", hostName())), ttl,
                Settings.duration(cluster, "request-timeout", Duration.ofSeconds(2)));
    }

    public static ClusterSettings singleNode() {
        return new ClusterSettings(Optional.empty(), "roost", hostName(), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    public boolean enabled() {
        return natsUrl.isPresent();
    }

    /** How often a node refreshes its lease: three times per TTL, so one late refresh is no loss. */
    public Duration leaseRefresh() {
        return leaseTtl.dividedBy(3);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "roost";
        }
    }
}
