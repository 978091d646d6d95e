package dev.roost.edge.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.edge.logging.RotatingLogFiles;
import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code upload_log}: rotates the current log file, then uploads every rotated file over SFTP.
 * Params: {@code remote_dir} (required).
 */
public final class UploadLogHandler implements CommandHandler {
    private static final System.Logger LOG = System.getLogger(UploadLogHandler.class.getName());

    private final RotatingLogFiles logs;
    private final Optional<SftpUploader> uploader;

    public UploadLogHandler(RotatingLogFiles logs, Optional<SftpUploader> uploader) {
        this.logs = logs;
        this.uploader = uploader;
    }

    @Override
    public String name() {
        return "upload_log";
    }

    @Override
    public CommandOutcome handle(CommandRequest request) throws Exception {
        if (uploader.isEmpty()) {
            return CommandOutcome.failed(-1, "no sftp target configured");
        }
        String remoteDir = request.params().path("remote_dir").asText("");
        if (remoteDir.isBlank()) {
            return CommandOutcome.failed(-1, "params.remote_dir is required");
        }
        logs.rotate();
        List<Path> files = logs.rotatedFiles();
        SftpUploader.Progress total = uploader.get().upload(files, remoteDir, progress ->
                LOG.log(System.Logger.Level.INFO, "upload_log {0}: {1}/{2} files, {3} bytes ({4})",
                        request.commandId(), Integer.toString(progress.files()), Integer.toString(files.size()),
                        Long.toString(progress.bytes()), progress.lastFile()));
        ObjectNode result = JsonNodeFactory.instance.objectNode()
                .put("files", total.files())
                .put("bytes", total.bytes())
                .put("remote_dir", remoteDir);
        return CommandOutcome.succeeded(result, "uploaded " + total.files() + " files");
    }
}
