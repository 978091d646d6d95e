package dev.roost.server.cluster;

import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;

import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/** The "which nodes serve the fleet" use case, for a cluster or a single server alike. */
public final class ClusterService {
    private final Optional<ClusterNode> cluster;
    private final NodeInfo single;
    private final LongSupplier localOnline;

    /**
     * @param single      this server, when it runs alone
     * @param localOnline its live sessions, when it runs alone
     */
    public ClusterService(Optional<ClusterNode> cluster, NodeInfo single, LongSupplier localOnline) {
        this.cluster = cluster;
        this.single = single;
        this.localOnline = localOnline;
    }

    public NodeList nodes(Caller caller) {
        caller.require(Role.VIEWER);
        return current();
    }

    /** For health details: no caller. */
    public NodeList current() {
        return cluster.map(node -> new NodeList(true, node.settings().name(), node.nodes(), node.worker(),
                node.natsConnected(), node.onlineDevices()))
                .orElseGet(() -> new NodeList(false, "", List.of(single), single.worker(), true,
                        localOnline.getAsLong()));
    }
}
