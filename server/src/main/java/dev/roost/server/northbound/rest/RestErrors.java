package dev.roost.server.northbound.rest;

import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.HttpRouting;

/** Registers, once, the mapping of every failure to an HTTP status and the JSON envelope. */
public final class RestErrors {
    private static final System.Logger LOG = System.getLogger(RestErrors.class.getName());

    private RestErrors() {
    }

    public static void register(HttpRouting.Builder routing, RestJson json) {
        routing.error(RoostException.class, (request, response, e) -> json.fail(response, e.code(), e.getMessage()));
        routing.error(RequestException.class, (request, response, e) -> {
            int status = e.status().code();
            ErrorCode code = switch (status) {
                case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
                case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
                case 404 -> ErrorCode.NOT_FOUND;
                default -> status < 500 ? ErrorCode.INVALID_ARGUMENT : ErrorCode.INTERNAL;
            };
            json.fail(response, code, status < 500 ? e.getMessage() : "internal error");
        });
        routing.error(HttpException.class, (request, response, e) -> {
            int status = e.status().code();
            if (status == 404) {
                json.fail(response, ErrorCode.NOT_FOUND, "no such resource: " + request.prologue().method().text()
                        + " " + request.path().path());
            } else if (status == 405) {
                json.fail(response, ErrorCode.METHOD_NOT_ALLOWED, request.prologue().method().text()
                        + " is not allowed on " + request.path().path());
            } else {
                json.fail(response, status < 500 ? ErrorCode.INVALID_ARGUMENT : ErrorCode.INTERNAL,
                        status < 500 ? e.getMessage() : "internal error");
            }
        });
        routing.error(Exception.class, (request, response, e) -> {
            var roost = RoostException.causeOf(e);
            if (roost.isPresent()) {
                json.fail(response, roost.get().code(), roost.get().getMessage());
                return;
            }
            LOG.log(System.Logger.Level.ERROR, "REST " + request.prologue().method().text() + " "
                    + request.path().path() + " failed", e);
            json.fail(response, ErrorCode.INTERNAL, "internal error");
        });
    }
}
