package dev.roost.cli.command;

import dev.roost.cli.CliException;
import dev.roost.cli.ExitCodes;
import dev.roost.cli.connect.Connection;
import dev.roost.cli.output.Column;
import dev.roost.cli.output.Listing;
import dev.roost.proto.v1.GetLogRequest;
import dev.roost.proto.v1.ListLogsRequest;
import dev.roost.proto.v1.LogChunk;
import dev.roost.proto.v1.LogServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;

/** {@code roost logs ...}: files devices uploaded to the server's log receiver (LogService). */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "List and download the log files devices uploaded (upload_log to the built-in receiver).",
        footer = {"", "Example: roost logs get 384141731668426752 384141731668426752.log"})
final class LogsCommand {
    @ParentCommand
    RoostCommand root;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "A device's uploaded files.",
            footer = {"", "Example: roost logs list 384141731668426752"})
    int list(@Parameters(paramLabel = "DEVICE_ID") String device) {
        ListLogsRequest request = ListLogsRequest.newBuilder().setDeviceId(Args.id("DEVICE_ID", device)).build();
        try (Connection connection = root.connect()) {
            List<FileView> files = connection.stub(LogServiceGrpc::newBlockingStub).listLogs(request).getFilesList()
                    .stream().map(file -> new FileView(file.getName(), file.getSizeBytes(),
                            Instant.ofEpochMilli(file.getModifiedAtMs()).toString())).toList();
            root.output().list(Listing.of(files), List.of(Column.of("name"), Column.of("size_bytes"),
                    Column.of("modified_at")));
        }
        return ExitCodes.OK;
    }

    /** One file, as listed. */
    record FileView(String name, long sizeBytes, String modifiedAt) {
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Download one file, by default into ./NAME.",
                    "An existing file is kept unless --force is given."},
            footer = {"", "Example: roost logs get 384141731668426752 agent.log --to /tmp/agent.log"})
    int get(@Parameters(paramLabel = "DEVICE_ID") String device,
            @Parameters(paramLabel = "NAME") String name,
            @Option(names = "--to", paramLabel = "FILE", description = "Where to write it (default: ./NAME).")
            Path to,
            @Option(names = "--force", description = "Overwrite FILE when it exists.") boolean force) {
        Path target = to != null ? to : Path.of(name).getFileName();
        if (Files.exists(target) && !force) {
            throw new CliException(ExitCodes.FAILED, target + " exists; give --force to overwrite it");
        }
        GetLogRequest request = GetLogRequest.newBuilder().setDeviceId(Args.id("DEVICE_ID", device)).setName(name)
                .build();
        try (Connection connection = root.connect()) {
            Iterator<LogChunk> chunks = connection.stub(LogServiceGrpc::newBlockingStub).getLog(request);
            // Into a temporary file next to the target: a failed download leaves no partial file behind.
            Path absolute = target.toAbsolutePath();
            Path partial = Files.createTempFile(absolute.getParent(), ".roost-log-", ".part");
            long bytes = 0;
            try {
                try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.TRUNCATE_EXISTING)) {
                    while (chunks.hasNext()) {
                        byte[] data = chunks.next().getData().toByteArray();
                        out.write(data);
                        bytes += data.length;
                    }
                }
                Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            root.output().done("wrote " + bytes + " bytes to " + target, new Downloaded(name, target.toString(), bytes));
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot write " + target + ": " + e.getMessage());
        }
        return ExitCodes.OK;
    }

    /** The JSON/YAML answer of a download. */
    record Downloaded(String name, String file, long sizeBytes) {
    }
}
