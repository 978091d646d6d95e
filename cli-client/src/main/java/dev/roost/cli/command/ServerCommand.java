package dev.roost.cli.command;

import dev.roost.cli.ExitCodes;
import dev.roost.cli.connect.Connection;
import dev.roost.cli.output.Column;
import dev.roost.cli.output.Listing;
import dev.roost.proto.v1.AccessServiceGrpc;
import dev.roost.proto.v1.ClusterServiceGrpc;
import dev.roost.proto.v1.ListNodesRequest;
import dev.roost.proto.v1.ListNodesResponse;
import dev.roost.proto.v1.WhoAmIRequest;
import dev.roost.proto.v1.WhoAmIResponse;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.List;

/** {@code roost server ...}: the server itself (grpc.health.v1, WhoAmI). */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Check the server and your access to it.",
        footer = {"", "Example: roost server health --server roost.example:9090"})
final class ServerCommand {
    @ParentCommand
    RoostCommand root;

    @Command(name = "health", mixinStandardHelpOptions = true,
            description = {"Ask the standard gRPC health service (no token needed).",
                    "Exit status 0 when SERVING, 4 otherwise or when the server cannot be reached."},
            footer = {"", "Example: roost server health && echo up"})
    int health(@Option(names = "--service", paramLabel = "NAME", defaultValue = "",
            description = "One service, e.g. roost.v1.DeviceService (default: the whole server).") String service) {
        HealthCheckResponse response;
        try (Connection connection = root.connect()) {
            response = connection.stub(HealthGrpc::newBlockingStub)
                    .check(HealthCheckRequest.newBuilder().setService(service).build());
            root.output().done(connection.target().server() + ": " + response.getStatus(),
                    new Health(connection.target().server().toString(), response.getStatus().name()));
        }
        return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
    }

    /** The JSON/YAML answer of a health check. */
    record Health(String server, String status) {
    }

    @Command(name = "whoami", mixinStandardHelpOptions = true, description = "Who the token belongs to, and its role.",
            footer = {"", "Example: roost server whoami --context prod"})
    int whoami() {
        try (Connection connection = root.connect()) {
            WhoAmIResponse response = connection.stub(AccessServiceGrpc::newBlockingStub)
                    .whoAmI(WhoAmIRequest.getDefaultInstance());
            Identity identity = new Identity(response.getPrincipal(), response.getRole().name(),
                    response.getTokenId().isEmpty() ? null : response.getTokenId());
            root.output().done(identity.principal() + " (" + identity.role() + ")", identity);
        }
        return 0;
    }

    /** The JSON/YAML answer of whoami. */
    record Identity(String principal, String role, String tokenId) {
    }

    @Command(name = "nodes", mixinStandardHelpOptions = true,
            description = {"The Roost nodes serving the fleet, as the node you reach sees them.",
                    "A single server lists itself; ANSWERED marks the node that answered."},
            footer = {"", "Example: roost server nodes -o json"})
    int nodes() {
        try (Connection connection = root.connect()) {
            ListNodesResponse response = connection.stub(ClusterServiceGrpc::newBlockingStub)
                    .listNodes(ListNodesRequest.getDefaultInstance());
            List<NodeView> nodes = response.getNodesList().stream().map(node -> new NodeView(node.getWorkerId(),
                    node.getName(), Instant.ofEpochMilli(node.getStartedAtMs()).toString(), node.getThisNode()))
                    .toList();
            root.output().list(Listing.of(nodes),
                    List.of(Column.of("worker_id"), Column.of("name"), Column.of("started_at"), Column.of("answered")));
            if (response.getClustered() && !response.getMessagingConnected()) {
                root.output().hint("the answering node does not reach NATS now: other nodes may be missing");
            }
        }
        return ExitCodes.OK;
    }

    /** One node, as listed. */
    record NodeView(int workerId, String name, String startedAt, boolean answered) {
    }
}
