package dev.roost.server.cluster;

import dev.roost.server.common.DeviceId;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Which node holds each device's live session, cluster-wide: the bucket
 * {@code roost-<cluster>-presence} (device id → worker id and session epoch), mirrored in memory
 * on every node from a watch, so that a lookup costs no round trip.
 *
 * <p>An entry counts only while its node's lease is live: the entries of a node that died are
 * ignored at once when its lease lapses, and overwritten when its devices log in elsewhere.
 * Releasing an entry deletes it only if it still names the releasing session (compare and
 * delete on the entry's revision), so a late close on the old node never erases the presence a
 * newer session made on another node.
 */
public final class PresenceDirectory implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PresenceDirectory.class.getName());
    private static final String BUCKET = "presence";

    /** A mirrored entry and its revision in the bucket. */
    private record Entry(Presence presence, long revision) {
    }

    private final NatsCluster cluster;
    private final NodeLease lease;
    private final Supplier<Map<DeviceId, Long>> localSessions;
    private final ConcurrentMap<Long, Entry> mirror = new ConcurrentHashMap<>();
    private volatile KeyValue bucket;
    private volatile BucketWatch watch;

    /**
     * @param localSessions this node's live sessions (device → epoch), put back after NATS lost them
     */
    public PresenceDirectory(NatsCluster cluster, NodeLease lease, Supplier<Map<DeviceId, Long>> localSessions) {
        this.cluster = cluster;
        this.lease = lease;
        this.localSessions = localSessions;
        this.bucket = cluster.bucket(BUCKET, java.time.Duration.ZERO);
        watchBucket();
        cluster.onReconnect(this::restore);
    }

    /**
     * Records that this node now holds the device's live session {@code epoch}.
     *
     * @return where the device was live before, when that was another session
     */
    public Optional<Presence> claim(DeviceId device, long epoch) {
        Presence mine = new Presence(lease.worker(), epoch);
        try {
            KeyValueEntry before = bucket.get(key(device));
            long revision = bucket.put(key(device), mine.encode().getBytes(StandardCharsets.UTF_8));
            mirror.merge(device.value(), new Entry(mine, revision), PresenceDirectory::newer);
            if (before == null || before.getOperation() != KeyValueOperation.PUT) {
                return Optional.empty();
            }
            Presence previous = Presence.decode(before.getValue());
            return previous.equals(mine) ? Optional.empty() : Optional.of(previous);
        } catch (IOException | JetStreamApiException e) {
            throw ClusterFailures.unavailable("recording the presence of device " + device, e);
        }
    }

    /**
     * Ends the presence of session {@code epoch} of this node.
     *
     * @return true when the entry named that session (so the device is now offline cluster-wide);
     *         false when a newer session, on this node or another, had replaced it
     */
    public boolean release(DeviceId device, long epoch) {
        Presence mine = new Presence(lease.worker(), epoch);
        try {
            KeyValueEntry current = bucket.get(key(device));
            if (current == null || current.getOperation() != KeyValueOperation.PUT) {
                return true;
            }
            if (!Presence.decode(current.getValue()).equals(mine)) {
                return false;
            }
            bucket.delete(key(device), current.getRevision());
            mirror.remove(device.value(), new Entry(mine, current.getRevision()));
            return true;
        } catch (JetStreamApiException e) {
            // The entry changed between the read and the delete: another session claimed it.
            return false;
        } catch (IOException e) {
            throw ClusterFailures.unavailable("ending the presence of device " + device, e);
        }
    }

    /** Where the device is live, as mirrored here; empty when nowhere or on a node whose lease lapsed. */
    public Optional<Presence> lookup(DeviceId device) {
        Entry entry = mirror.get(device.value());
        if (entry == null || !lease.isLive(entry.presence().worker())) {
            return Optional.empty();
        }
        return Optional.of(entry.presence());
    }

    /** Devices live on nodes with a live lease, as mirrored here. */
    public long liveCount() {
        return mirror.values().stream().filter(entry -> lease.isLive(entry.presence().worker())).count();
    }

    private static Entry newer(Entry a, Entry b) {
        return a.revision() >= b.revision() ? a : b;
    }

    private void watchBucket() {
        watch = BucketWatch.start(bucket, entry -> {
            long device = Long.parseLong(entry.getKey());
            if (entry.getOperation() == KeyValueOperation.PUT) {
                mirror.merge(device, new Entry(Presence.decode(entry.getValue()), entry.getRevision()),
                        PresenceDirectory::newer);
            } else {
                mirror.computeIfPresent(device, (id, known) -> known.revision() <= entry.getRevision() ? null : known);
            }
        }, "the presence directory");
    }

    /** After NATS came back: the bucket may be new and empty; put this node's sessions back. */
    private void restore() {
        bucket = cluster.bucket(BUCKET, java.time.Duration.ZERO);
        closeWatch();
        mirror.clear();
        watchBucket();
        int restored = 0;
        for (Map.Entry<DeviceId, Long> session : localSessions.get().entrySet()) {
            Presence mine = new Presence(lease.worker(), session.getValue());
            KeyValueEntry current;
            try {
                current = bucket.get(key(session.getKey()));
                if (current == null || current.getOperation() != KeyValueOperation.PUT) {
                    bucket.put(key(session.getKey()), mine.encode().getBytes(StandardCharsets.UTF_8));
                    restored++;
                }
            } catch (IOException | JetStreamApiException e) {
                LOG.log(System.Logger.Level.WARNING, "cluster: could not restore the presence of device {0}: {1}",
                        session.getKey(), e.getMessage());
            }
        }
        LOG.log(System.Logger.Level.INFO, "cluster: restored the presence of {0} devices after a NATS reconnect",
                String.valueOf(restored));
    }

    private static String key(DeviceId device) {
        return Long.toString(device.value());
    }

    private void closeWatch() {
        BucketWatch current = watch;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public void close() {
        closeWatch();
    }
}
