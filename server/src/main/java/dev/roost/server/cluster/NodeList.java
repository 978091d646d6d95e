package dev.roost.server.cluster;

import java.util.List;

/**
 * The nodes serving the fleet, as one node sees them.
 *
 * @param clustered          false for a single server
 * @param clusterName        empty for a single server
 * @param nodes              the live nodes by worker id
 * @param thisWorker         the worker id of the node that answered
 * @param messagingConnected whether that node reaches NATS now (always true alone)
 * @param onlineDevices      devices with a live session on a live node
 */
public record NodeList(boolean clustered, String clusterName, List<NodeInfo> nodes, int thisWorker,
                       boolean messagingConnected, long onlineDevices) {
}
