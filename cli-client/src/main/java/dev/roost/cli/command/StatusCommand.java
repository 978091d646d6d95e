package dev.roost.cli.command;

import dev.roost.cli.connect.Connection;
import dev.roost.cli.output.Column;
import dev.roost.cli.output.StatusViews;
import dev.roost.proto.v1.GetStatusRequest;
import dev.roost.proto.v1.ListStatusHistoryRequest;
import dev.roost.proto.v1.ListStatusHistoryResponse;
import dev.roost.proto.v1.StatusServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.List;

/** {@code roost status ...}: what devices report (StatusService). */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the status devices report.",
        footer = {"", "Example: roost status get 384141731668426752 -o yaml"})
final class StatusCommand {
    static final List<Column> HISTORY_COLUMNS = List.of(new Column("VERSION", "reported_version"),
            new Column("REPORTED", "reported_at"), Column.of("online"), Column.of("reported"));

    @ParentCommand
    RoostCommand root;

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "A device's latest reported status: online, versions and the full reported state.",
            footer = {"", "Example: roost status get 384141731668426752"})
    int get(@Parameters(paramLabel = "DEVICE_ID") String device) {
        GetStatusRequest request = GetStatusRequest.newBuilder().setDeviceId(Args.id("DEVICE_ID", device)).build();
        try (Connection connection = root.connect()) {
            root.output().item(StatusViews.status(connection.stub(StatusServiceGrpc::newBlockingStub).getStatus(request)));
        }
        return 0;
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "A device's past reported states.",
            footer = {"", "Example: roost status history 384141731668426752 --since 1h"})
    int history(@Parameters(paramLabel = "DEVICE_ID") String device,
                @Option(names = "--since", paramLabel = "TIME", converter = InstantConverter.class,
                        description = "From this instant (2026-01-31T12:00:00Z) or this long ago (1h).") Instant since,
                @Option(names = "--until", paramLabel = "TIME", converter = InstantConverter.class,
                        description = "Up to this instant or this long ago.") Instant until,
                @Mixin PageOptions paging) {
        ListStatusHistoryRequest.Builder request = ListStatusHistoryRequest.newBuilder()
                .setDeviceId(Args.id("DEVICE_ID", device));
        if (since != null) {
            request.setSinceMs(since.toEpochMilli());
        }
        if (until != null) {
            request.setUntilMs(until.toEpochMilli());
        }
        try (Connection connection = root.connect()) {
            root.output().list(paging.fetch(page -> {
                ListStatusHistoryResponse response = connection.stub(StatusServiceGrpc::newBlockingStub)
                        .listStatusHistory(request.setPage(page).build());
                return new PageOptions.Page<>(response.getEntriesList(), response.getPage());
            }, StatusViews::status), HISTORY_COLUMNS);
        }
        return 0;
    }
}
