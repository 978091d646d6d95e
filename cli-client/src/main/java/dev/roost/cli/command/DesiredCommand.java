package dev.roost.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.cli.connect.Connection;
import dev.roost.cli.output.StatusViews;
import dev.roost.proto.v1.GetDesiredStateRequest;
import dev.roost.proto.v1.StatusServiceGrpc;
import dev.roost.proto.v1.UpdateDesiredStateRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code roost desired ...}: the state devices should converge to (StatusService). */
@Command(name = "desired", mixinStandardHelpOptions = true, description = "Read and change devices' desired state.",
        footer = {"", "Example: roost desired set 384141731668426752 '{\"telemetry\":{\"interval_s\":30}}'"})
final class DesiredCommand {
    @ParentCommand
    RoostCommand root;

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "A device's desired state, its version and the version the device applied.",
            footer = {"", "Example: roost desired get 384141731668426752 -o json"})
    int get(@Parameters(paramLabel = "DEVICE_ID") String device) {
        GetDesiredStateRequest request = GetDesiredStateRequest.newBuilder()
                .setDeviceId(Args.id("DEVICE_ID", device)).build();
        try (Connection connection = root.connect()) {
            root.output().item(StatusViews.desired(connection.stub(StatusServiceGrpc::newBlockingStub)
                    .getDesiredState(request)));
        }
        return 0;
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Merge a JSON patch (RFC 7386) into a device's desired state; null removes a key.",
                    "With --expected-version, fails unless the desired state is still at that version."},
            footer = {"", "Example: roost desired set 384141731668426752 '{\"telemetry\":{\"interval_s\":30}}' "
                    + "--expected-version 3"})
    int set(@Parameters(index = "0", paramLabel = "DEVICE_ID") String device,
            @Parameters(index = "1", paramLabel = "PATCH", converter = JsonObjectConverter.class,
                    description = "A JSON object.") ObjectNode patch,
            @Option(names = "--expected-version", paramLabel = "VERSION") long expectedVersion) {
        UpdateDesiredStateRequest request = UpdateDesiredStateRequest.newBuilder()
                .setDeviceId(Args.id("DEVICE_ID", device)).setPatchJson(patch.toString())
                .setExpectedVersion(expectedVersion).build();
        try (Connection connection = root.connect()) {
            root.output().item(StatusViews.desired(connection.stub(StatusServiceGrpc::newBlockingStub)
                    .updateDesiredState(request)));
        }
        return 0;
    }
}
