package dev.roost.server.northbound.rest;

import dev.roost.server.common.DeviceId;
import dev.roost.server.devicelogs.LogService;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** REST adapter of uploaded device logs under /api/v1/devices/{id}/logs. */
public final class LogHttpService implements HttpService {
    private final LogService logs;
    private final RestJson json;

    public LogHttpService(LogService logs, RestJson json) {
        this.logs = logs;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{id}/logs", this::list)
                .get("/{id}/logs/{name}", this::get);
    }

    private void list(ServerRequest request, ServerResponse response) {
        json.ok(response, Map.of("files", logs.list(RestAuthFilter.caller(request), id(request))));
    }

    /** The file's bytes as they were uploaded (application/octet-stream), streamed. */
    private void get(ServerRequest request, ServerResponse response) {
        try (LogService.Download download = logs.open(RestAuthFilter.caller(request), id(request),
                Queries.path(request, "name"))) {
            response.headers().contentType(MediaTypes.APPLICATION_OCTET_STREAM);
            response.headers().contentLength(download.file().sizeBytes());
            response.headers().set(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\""
                    + download.file().name() + "\"");
            try (OutputStream out = response.outputStream()) {
                download.content().transferTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DeviceId id(ServerRequest request) {
        return DeviceId.parse("id", Queries.path(request, "id"));
    }
}
