package dev.roost.server.cluster;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The connections to NATS and the cluster's key-value buckets. Two connections: the control one
 * carries leases, the presence directory and node-to-node requests; the events one carries the
 * fan-out of device events, which comes in large bursts when many devices reconnect at once.
 * Kept apart, such a burst cannot fill the queue that lease refreshes and logins wait behind; on
 * the events connection a full queue drops events (counted), it never blocks the publisher.
 * Connecting fails at once, naming the URL, when NATS does not answer at start-up; later outages
 * are ridden out by the client's reconnects, and {@link #onReconnect} listeners then put back what
 * NATS may have lost (buckets live in NATS memory: a restarted NATS has none of them).
 */
public final class NatsCluster implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NatsCluster.class.getName());

    /** Events waiting to go out on the events connection before new ones are dropped. */
    private static final int EVENTS_QUEUE = 200_000;

    private final ClusterSettings settings;
    private final Connection connection;
    private final Connection events;
    private final List<Runnable> reconnectListeners = new CopyOnWriteArrayList<>();

    private NatsCluster(ClusterSettings settings, Connection connection, Connection events) {
        this.settings = settings;
        this.connection = connection;
        this.events = events;
    }

    /** Connects to {@code settings.natsUrl()}; throws {@link IllegalStateException} naming the URL when it cannot. */
    public static NatsCluster connect(ClusterSettings settings) {
        String url = settings.natsUrl().orElseThrow(() -> new IllegalStateException("roost.cluster.nats-url is not set"));
        NatsCluster[] self = new NatsCluster[1];
        Options options = Options.builder()
                .servers(url.split(","))
                .connectionName("roost-" + settings.name() + "-" + settings.nodeName())
                .connectionTimeout(Duration.ofSeconds(5))
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(500))
                .connectionListener((conn, event) -> {
                    if (event == ConnectionListener.Events.RECONNECTED && self[0] != null) {
                        self[0].reconnected();
                    } else if (event == ConnectionListener.Events.DISCONNECTED) {
                        LOG.log(System.Logger.Level.WARNING, "cluster: lost NATS at {0}; reconnecting", url);
                    }
                })
                .build();
        Options eventOptions = Options.builder()
                .servers(url.split(","))
                .connectionName("roost-" + settings.name() + "-" + settings.nodeName() + "-events")
                .connectionTimeout(Duration.ofSeconds(5))
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(500))
                .maxMessagesInOutgoingQueue(EVENTS_QUEUE)
                .discardMessagesWhenOutgoingQueueFull()
                .build();
        try {
            Connection control = Nats.connect(options);
            try {
                self[0] = new NatsCluster(settings, control, Nats.connect(eventOptions));
            } catch (IOException | InterruptedException | RuntimeException e) {
                control.close();
                throw e;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cluster: cannot connect to NATS at " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("cluster: interrupted while connecting to NATS at " + url, e);
        }
        return self[0];
    }

    public ClusterSettings settings() {
        return settings;
    }

    Connection connection() {
        return connection;
    }

    /** The connection that carries the fan-out of device events. */
    Connection events() {
        return events;
    }

    /** The subject {@code <cluster name>.<suffix>}. */
    String subject(String suffix) {
        return "roost." + settings.name() + "." + suffix;
    }

    /** The bucket {@code roost-<cluster name>-<suffix>}, created when missing. */
    KeyValue bucket(String suffix, Duration ttl) {
        String name = "roost-" + settings.name() + "-" + suffix;
        try {
            KeyValueManagement management = connection.keyValueManagement();
            if (!management.getBucketNames().contains(name)) {
                KeyValueConfiguration.Builder config = KeyValueConfiguration.builder().name(name)
                        .storageType(StorageType.Memory);
                if (!ttl.isZero()) {
                    config.ttl(ttl);
                }
                try {
                    management.create(config.build());
                } catch (JetStreamApiException e) {
                    // Another node created it between the check and the create: use theirs.
                    if (!management.getBucketNames().contains(name)) {
                        throw e;
                    }
                }
            }
            return connection.keyValue(name);
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cluster: cannot open the NATS key-value bucket " + name
                    + " (is JetStream enabled on the NATS server?): " + e.getMessage(), e);
        }
    }

    /** Runs {@code listener} after every reconnect to NATS. */
    public void onReconnect(Runnable listener) {
        reconnectListeners.add(listener);
    }

    public boolean isConnected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    private void reconnected() {
        LOG.log(System.Logger.Level.INFO, "cluster: reconnected to NATS");
        // Off the NATS client's own thread: the listeners call NATS and wait for answers.
        Thread.ofVirtual().name("roost-cluster-reconnect").start(() -> reconnectListeners.forEach(listener -> {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cluster: restoring state after a NATS reconnect failed: {0}",
                        e.getMessage());
            }
        }));
    }

    @Override
    public void close() {
        try {
            events.close();
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
