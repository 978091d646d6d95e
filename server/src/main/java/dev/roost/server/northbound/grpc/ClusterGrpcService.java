package dev.roost.server.northbound.grpc;

import dev.roost.proto.v1.ClusterServiceGrpc;
import dev.roost.proto.v1.ListNodesRequest;
import dev.roost.proto.v1.ListNodesResponse;
import dev.roost.proto.v1.Node;
import dev.roost.server.cluster.ClusterService;
import dev.roost.server.cluster.NodeList;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of {@link ClusterService}. */
public final class ClusterGrpcService extends ClusterServiceGrpc.ClusterServiceImplBase {
    private final ClusterService cluster;

    public ClusterGrpcService(ClusterService cluster) {
        this.cluster = cluster;
    }

    @Override
    public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> observer) {
        Unary.respond(observer, () -> {
            NodeList list = cluster.nodes(GrpcAuthInterceptor.caller());
            ListNodesResponse.Builder response = ListNodesResponse.newBuilder().setClustered(list.clustered())
                    .setClusterName(list.clusterName()).setMessagingConnected(list.messagingConnected())
                    .setOnlineDevices(list.onlineDevices());
            list.nodes().forEach(node -> response.addNodes(Node.newBuilder().setWorkerId(node.worker())
                    .setName(node.name()).setStartedAtMs(node.startedAt().toEpochMilli())
                    .setThisNode(node.worker() == list.thisWorker())));
            return response.build();
        });
    }
}
