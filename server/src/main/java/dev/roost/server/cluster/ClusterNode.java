package dev.roost.server.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roost.protocol.Body;
import dev.roost.protocol.PduCodec;
import dev.roost.server.common.DeviceId;
import dev.roost.server.device.DeviceLink;
import dev.roost.server.device.DevicePresence;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.DeviceEvent;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * This server as one node of a cluster: its lease, the presence directory and the messages to
 * other nodes, behind the two ports the features use. As {@link DeviceLink} it sends to a device
 * here when its session is here and through the device's node otherwise; as
 * {@link DevicePresence} it records sessions cluster-wide and tells a node whose session of a
 * device was replaced here to close it.
 */
public final class ClusterNode implements DeviceLink, DevicePresence, AutoCloseable {
    private final NatsCluster nats;
    private final NodeLease lease;
    private volatile PresenceDirectory directory;
    private volatile DeviceLink local;
    private volatile NodeMessaging messaging;

    private ClusterNode(NatsCluster nats, NodeLease lease) {
        this.nats = nats;
        this.lease = lease;
    }

    /**
     * Joins the cluster: connects to NATS (failing at once, naming the URL, when it does not
     * answer) and takes a worker id.
     *
     * @param onLeaseLost called when another node took this node's worker id (the server stops)
     */
    public static ClusterNode join(ClusterSettings settings, Clock clock, Runnable onLeaseLost) {
        NatsCluster nats = NatsCluster.connect(settings);
        try {
            return new ClusterNode(nats, NodeLease.acquire(nats, clock, onLeaseLost));
        } catch (RuntimeException e) {
            nats.close();
            throw e;
        }
    }

    /**
     * Takes this node's own sessions into the cluster's presence directory.
     *
     * @param local         this node's own sessions
     * @param localSessions their epochs by device, to put back after NATS lost the directory
     */
    public void attach(DeviceLink local, Supplier<Map<DeviceId, Long>> localSessions) {
        this.local = local;
        this.directory = new PresenceDirectory(nats, lease, localSessions);
    }

    /**
     * Starts answering other nodes; until then they cannot reach this node's devices.
     *
     * @param finalCommand whether an event of this node is a command's transition into a final state
     */
    public void listen(NodeMessaging.Inbound inbound, PduCodec codec, ObjectMapper json,
                       Predicate<DeviceEvent> finalCommand) {
        messaging = new NodeMessaging(nats, lease.worker(), codec, json, finalCommand, inbound);
    }

    /** This node's worker id, also its Snowflake node id. */
    public int worker() {
        return lease.worker();
    }

    public ClusterSettings settings() {
        return nats.settings();
    }

    public List<NodeInfo> nodes() {
        return lease.liveNodes();
    }

    public boolean natsConnected() {
        return nats.isConnected();
    }

    /** Devices with a live session somewhere in the cluster, as this node's mirror of the directory says. */
    public long onlineDevices() {
        return directory.liveCount();
    }

    /** Events of this node that did not reach the others: the events connection's queue was full. */
    public long eventsDropped() {
        NodeMessaging current = messaging;
        return current == null ? 0 : current.eventsDropped();
    }

    /** Other nodes' events this node did not decode: nobody here needed them. */
    public long eventsSkipped() {
        NodeMessaging current = messaging;
        return current == null ? 0 : current.eventsSkipped();
    }

    /** Tells the other nodes that this node wrote these devices' rows. */
    public void devicesChanged(Collection<DeviceId> devices) {
        NodeMessaging current = messaging;
        if (current != null) {
            current.devicesChanged(devices);
        }
    }

    /** Runs {@code listener} after NATS came back: what other nodes said meanwhile may be lost. */
    public void onReconnect(Runnable listener) {
        nats.onReconnect(listener);
    }

    /** Forwards an event of this node to the others. */
    public void forward(DeviceEvent event) {
        NodeMessaging current = messaging;
        if (current != null) {
            current.publish(event);
        }
    }

    @Override
    public boolean isOnline(DeviceId device) {
        return local.isOnline(device) || directory.lookup(device).isPresent();
    }

    @Override
    public boolean send(DeviceId device, Body body) {
        if (local.isOnline(device)) {
            return local.send(device, body);
        }
        Optional<Presence> where = directory.lookup(device);
        if (where.isEmpty() || where.get().worker() == lease.worker()) {
            return local.send(device, body);
        }
        return messaging().sendTo(where.get().worker(), device, body);
    }

    @Override
    public void checkReachable(DeviceId device) {
        if (!local.isOnline(device) && directory.lookup(device).isPresent() && !nats.isConnected()) {
            throw new RoostException(ErrorCode.UNAVAILABLE, "cluster: device " + device + " is connected to another "
                    + "node, and NATS (" + nats.settings().natsUrl().orElse("") + ") cannot be reached from this one");
        }
    }

    @Override
    public void claimed(DeviceId device, long epoch) {
        Optional<Presence> previous = directory.claim(device, epoch);
        if (previous.isPresent() && previous.get().worker() != lease.worker() && lease.isLive(previous.get().worker())) {
            messaging().replaced(previous.get().worker(), device, previous.get().epoch());
        }
    }

    @Override
    public boolean released(DeviceId device, long epoch) {
        return directory.release(device, epoch);
    }

    private NodeMessaging messaging() {
        NodeMessaging current = messaging;
        if (current == null) {
            throw new RoostException(ErrorCode.UNAVAILABLE, "cluster: this node is still starting");
        }
        return current;
    }

    @Override
    public void close() {
        NodeMessaging current = messaging;
        if (current != null) {
            current.close();
        }
        PresenceDirectory attached = directory;
        if (attached != null) {
            attached.close();
        }
        lease.close();
        nats.close();
    }
}
