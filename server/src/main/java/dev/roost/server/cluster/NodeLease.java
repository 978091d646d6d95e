package dev.roost.server.cluster;

import dev.roost.server.common.Snowflake;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueOperation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This node's lease on a worker id, in the bucket {@code roost-<cluster>-nodes} whose entries
 * expire after the lease TTL. Taking a lease is an atomic create, so two live nodes never hold
 * the same worker id — and so never make the same Snowflake id. The lease is refreshed three
 * times per TTL; every node mirrors the bucket to know which nodes are alive.
 *
 * <p>An entry that expires in NATS vanishes without a notice to watchers, so the mirror keeps
 * when it last saw each lease refreshed and counts a node live only within the TTL of that.
 *
 * <p>If a refresh finds the lease gone (NATS lost it, or this node was paused longer than the
 * TTL) it takes the same worker id again when it is free. If another node holds it by then, this
 * node's ids could collide with that node's: {@code onLost} is called, and the server stops.
 */
public final class NodeLease implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeLease.class.getName());
    private static final String BUCKET = "nodes";

    private final NatsCluster cluster;
    private final NodeInfo self;
    private final Runnable onLost;
    /** A lease as last seen, and when (System.nanoTime()). */
    private record Seen(NodeInfo node, long atNanos) {
    }

    private final Map<Integer, Seen> live = new ConcurrentHashMap<>();
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-cluster-lease").daemon().factory());
    private volatile KeyValue bucket;
    private volatile long revision;
    private volatile BucketWatch watch;

    private NodeLease(NatsCluster cluster, NodeInfo self, KeyValue bucket, long revision, Runnable onLost) {
        this.cluster = cluster;
        this.self = self;
        this.bucket = bucket;
        this.revision = revision;
        this.onLost = onLost;
    }

    /**
     * Takes the lowest free worker id. Throws {@link IllegalStateException} when all
     * {@value Snowflake#MAX_NODE_ID} + 1 are taken.
     */
    public static NodeLease acquire(NatsCluster cluster, Clock clock, Runnable onLost) {
        KeyValue bucket = cluster.bucket(BUCKET, cluster.settings().leaseTtl());
        for (int worker = 0; worker <= Snowflake.MAX_NODE_ID; worker++) {
            NodeInfo self = new NodeInfo(worker, cluster.settings().nodeName(), clock.instant());
            Optional<Long> revision = create(bucket, self);
            if (revision.isPresent()) {
                NodeLease lease = new NodeLease(cluster, self, bucket, revision.get(), onLost);
                lease.start();
                LOG.log(System.Logger.Level.INFO, "cluster {0}: this node is {1}, worker id {2}",
                        cluster.settings().name(), self.name(), String.valueOf(worker));
                return lease;
            }
        }
        throw new IllegalStateException("cluster " + cluster.settings().name() + ": all "
                + (Snowflake.MAX_NODE_ID + 1) + " worker ids are leased by live nodes; refusing to start");
    }

    /** This node's worker id: its Snowflake node id. */
    public int worker() {
        return self.worker();
    }

    public NodeInfo self() {
        return self;
    }

    /** Whether the node with this worker id holds a live lease, as far as this node has seen. */
    public boolean isLive(int worker) {
        if (worker == self.worker()) {
            return true;
        }
        Seen seen = live.get(worker);
        return seen != null && fresh(seen);
    }

    /** The live nodes, by worker id. */
    public List<NodeInfo> liveNodes() {
        List<NodeInfo> nodes = new ArrayList<>();
        nodes.add(self);
        live.values().stream().filter(this::fresh).map(Seen::node).filter(node -> node.worker() != self.worker())
                .forEach(nodes::add);
        nodes.sort(Comparator.comparingInt(NodeInfo::worker));
        return nodes;
    }

    private boolean fresh(Seen seen) {
        return System.nanoTime() - seen.atNanos() < cluster.settings().leaseTtl().toNanos();
    }

    private void start() {
        watchBucket();
        long period = cluster.settings().leaseRefresh().toMillis();
        refresher.scheduleAtFixedRate(this::refreshQuietly, period, period, TimeUnit.MILLISECONDS);
        cluster.onReconnect(this::restore);
    }

    private void watchBucket() {
        watch = BucketWatch.start(bucket, entry -> {
            int worker = Integer.parseInt(entry.getKey().substring(1));
            if (entry.getOperation() == KeyValueOperation.PUT) {
                live.put(worker, new Seen(NodeInfo.decode(entry.getValue()), System.nanoTime()));
            } else {
                live.remove(worker);
            }
        }, "the node leases");
    }

    /** After NATS came back: the bucket may be new and empty. */
    private void restore() {
        bucket = cluster.bucket(BUCKET, cluster.settings().leaseTtl());
        closeWatch();
        live.clear();
        refresh();
        watchBucket();
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: lease refresh failed (retrying): {0}", e.getMessage());
        }
    }

    private void refresh() {
        refreshLock.lock();
        try {
            revision = bucket.update(key(self.worker()), self.encode().getBytes(StandardCharsets.UTF_8), revision);
        } catch (JetStreamApiException e) {
            // The entry is gone (expired or NATS restarted) or someone else wrote it.
            Optional<Long> again = create(bucket, self);
            if (again.isPresent()) {
                revision = again.get();
                LOG.log(System.Logger.Level.WARNING, "cluster: the lease of worker id {0} had lapsed; taken again",
                        String.valueOf(self.worker()));
            } else {
                LOG.log(System.Logger.Level.ERROR, "cluster: another node took worker id {0} while this node's "
                        + "lease had lapsed; stopping this node so that no id is made twice",
                        String.valueOf(self.worker()));
                refresher.shutdown();
                onLost.run();
            }
        } catch (IOException e) {
            throw ClusterFailures.unavailable("refreshing the node lease", e);
        } finally {
            refreshLock.unlock();
        }
    }

    private static Optional<Long> create(KeyValue bucket, NodeInfo node) {
        try {
            return Optional.of(bucket.create(key(node.worker()), node.encode().getBytes(StandardCharsets.UTF_8)));
        } catch (JetStreamApiException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ClusterFailures.unavailable("taking a node lease", e);
        }
    }

    private static String key(int worker) {
        return "w" + worker;
    }

    private void closeWatch() {
        BucketWatch current = watch;
        if (current != null) {
            current.close();
        }
    }

    /** Gives the worker id back at once (a clean stop), so that a restart can take it. */
    @Override
    public void close() {
        refresher.shutdownNow();
        closeWatch();
        try {
            bucket.delete(key(self.worker()), revision);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "releasing the lease (it expires by itself)", e);
        }
    }
}
