package dev.roost.server.northbound.rest;

import dev.roost.server.common.PageRequest;
import dev.roost.server.error.RoostException;
import io.helidon.common.parameters.Parameters;
import io.helidon.webserver.http.ServerRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads query parameters with errors that name the parameter. */
final class Queries {
    private Queries() {
    }

    static Optional<String> first(ServerRequest request, String name) {
        Parameters query = request.query();
        return query.contains(name) ? query.first(name).asOptional().filter(v -> !v.isEmpty()) : Optional.empty();
    }

    /** Every value of a repeatable parameter, also split on commas. */
    static List<String> all(ServerRequest request, String name) {
        Parameters query = request.query();
        List<String> values = new ArrayList<>();
        if (query.contains(name)) {
            for (String value : query.all(name)) {
                for (String part : value.split(",")) {
                    if (!part.isBlank()) {
                        values.add(part.trim());
                    }
                }
            }
        }
        return values;
    }

    static int integer(ServerRequest request, String name, int fallback) {
        Optional<String> text = first(request, name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw RoostException.invalid(name, "must be a whole number, was '" + text.get() + "'");
        }
    }

    static boolean bool(ServerRequest request, String name) {
        return first(request, name).map(v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw RoostException.invalid(name, "must be true or false, was '" + v + "'");
        }).orElse(false);
    }

    /** Times are stored as epoch milliseconds: an instant outside years 0..9999 is refused, not overflowed. */
    static Optional<java.time.Instant> instant(ServerRequest request, String name) {
        return first(request, name).map(text -> {
            java.time.Instant instant;
            try {
                instant = java.time.Instant.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                throw RoostException.invalid(name, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
            }
            if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
                throw RoostException.invalid(name, "must be between " + EARLIEST + " and " + LATEST + ", was " + text);
            }
            return instant;
        });
    }

    private static final java.time.Instant EARLIEST = java.time.Instant.parse("0000-01-01T00:00:00Z");
    private static final java.time.Instant LATEST = java.time.Instant.parse("9999-12-31T23:59:59.999Z");

    static PageRequest page(ServerRequest request) {
        return PageRequest.of(integer(request, "page_size", 0), first(request, "cursor").orElse(""));
    }

    static String path(ServerRequest request, String name) {
        return request.path().pathParameters().get(name);
    }
}
