package dev.roost.server.northbound.legacy;

/**
 * A failure answered in one of the legacy system's shapes: its application envelope
 * {@code {"status":"fail","type":...,"message":...}}, the type-less 200 envelope of
 * {@code give_order} and {@code device_statusInfo_query}, or the web framework's own
 * {@code {"description":...,"status":...,"message":...}}.
 */
final class LegacyFailure extends RuntimeException {
    enum Shape { APPLICATION, UNTYPED, FRAMEWORK }

    static final String GENERAL_ERROR = "GENERAL_ERROR";
    static final String DEVICEOP_ERROR = "DEVICEOP_ERROR";
    static final String GROUPOP_ERROR = "GROUPOP_ERROR";
    static final String RELATIONOP_ERROR = "RELATIONOP_ERROR";
    static final String DATABASE_ERROR = "DATABASE_ERROR";
    static final String INNER_ERROR = "INNER_ERROR";

    private final Shape shape;
    private final int status;
    private final String type;

    private LegacyFailure(Shape shape, int status, String type, String message) {
        super(message, null, false, false);
        this.shape = shape;
        this.status = status;
        this.type = type;
    }

    static LegacyFailure of(int status, String type, String message) {
        return new LegacyFailure(Shape.APPLICATION, status, type, message);
    }

    /** HTTP 200 {@code {"status":"fail","message":...}}. */
    static LegacyFailure untyped(String message) {
        return new LegacyFailure(Shape.UNTYPED, 200, null, message);
    }

    /** The framework's envelope; {@code description} is the reason phrase of {@code status}. */
    static LegacyFailure framework(int status, String description, String message) {
        return new LegacyFailure(Shape.FRAMEWORK, status, description, message);
    }

    static LegacyFailure missingParameters() {
        return of(400, GENERAL_ERROR, "Missing required parameters!");
    }

    static LegacyFailure database() {
        return of(500, DATABASE_ERROR, "Maybe JSON parameter type incorrect(please check) or DataBase Inner Error");
    }

    static LegacyFailure inner() {
        return of(500, INNER_ERROR, "Server Inner Error");
    }

    static LegacyFailure deviceNotFound(boolean period) {
        return of(404, DEVICEOP_ERROR, period ? "Device NOT FOUND." : "Device NOT FOUND");
    }

    static LegacyFailure groupNotFound(boolean period) {
        return of(404, GROUPOP_ERROR, period ? "Group NOT FOUND." : "Group NOT FOUND");
    }

    static LegacyFailure noDevicesInGroup() {
        return of(404, RELATIONOP_ERROR, "No Devices in this Group.");
    }

    static LegacyFailure deviceInNoGroup() {
        return of(404, RELATIONOP_ERROR, "Devices not in any Group.");
    }

    /** What the legacy web framework answered when a handler crashed. */
    static LegacyFailure crash() {
        return framework(500, "Internal Server Error",
                "The server encountered an internal error and cannot complete your request.");
    }

    Shape shape() {
        return shape;
    }

    int status() {
        return status;
    }

    /** The {@code type} of the application shape, the {@code description} of the framework shape. */
    String type() {
        return type;
    }
}
