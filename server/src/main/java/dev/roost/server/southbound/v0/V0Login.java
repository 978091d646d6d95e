package dev.roost.server.southbound.v0;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.protocol.Messages;

/**
 * Reads a v0 login frame (v0-protocol.md §3.1-3.2) into Roost's credentials, in the legacy order
 * of checks: a password is required and must be a string, {@code device_id} wins over
 * {@code device_sn} + {@code device_model}, and neither is "Missing required Parameters!".
 */
final class V0Login {
    /** Longest identifier or password taken from a login frame (bcrypt reads 72 bytes anyway). */
    private static final int MAX_FIELD = 128;

    private V0Login() {
    }

    /** Either the credentials or the legacy failure message. */
    record Parsed(Messages.Auth auth, String failure) {
        static Parsed failed(String message) {
            return new Parsed(null, message);
        }

        boolean ok() {
            return auth != null;
        }
    }

    static Parsed parse(JsonNode frame) {
        JsonNode password = frame.get("password");
        if (password == null) {
            return Parsed.failed(V0Frames.NOT_PROVIDED);
        }
        JsonNode deviceId = frame.get("device_id");
        JsonNode serial = frame.get("device_sn");
        JsonNode model = frame.get("device_model");
        boolean byId = deviceId != null;
        if (!byId && (serial == null || model == null)) {
            return Parsed.failed(V0Frames.MISSING_PARAMETERS);
        }
        if (!password.isTextual() || password.textValue().length() > MAX_FIELD) {
            return Parsed.failed(V0Frames.UNKNOWN_ERROR);
        }
        if (byId) {
            // The legacy server looked a number up like its decimal text; anything else finds no device.
            String id = deviceId.isIntegralNumber() ? deviceId.asText() : deviceId.isTextual() ? deviceId.textValue() : "";
            if (!id.matches("[0-9]{1,19}")) {
                return Parsed.failed(V0Frames.NOT_FOUND);
            }
            return new Parsed(Messages.Auth.withSecret(id, password.textValue()), null);
        }
        if (!serial.isTextual() || !model.isTextual() || serial.textValue().length() > MAX_FIELD
                || model.textValue().length() > MAX_FIELD) {
            return Parsed.failed(V0Frames.NOT_FOUND);
        }
        return new Parsed(Messages.Auth.withHardware(serial.textValue(), model.textValue(), password.textValue()),
                null);
    }
}
