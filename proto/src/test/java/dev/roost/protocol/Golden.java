package dev.roost.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The golden PDU files of docs/protocol.md, from the classpath (shared with other modules' tests). */
public final class Golden {
    public static final List<String> NAMES = List.of("auth.device_id", "auth.hardware", "auth.session_token",
            "auth_ok", "auth_error", "ping", "pong", "status.snapshot", "status.diff", "status_ack",
            "resync_required", "desired.full", "desired.patch", "desired_applied", "command", "command_ack",
            "command_result", "command_result_ack", "reboot_confirm", "command_cancel", "error",
            "auth_error.bad_request", "auth_error.disabled", "error.rate_limited", "status.diff_from_zero");

    private Golden() {
    }

    /** The golden file as a JSON tree, to compare a message received in a test with it. */
    public static JsonNode json(String name) {
        try {
            return new ObjectMapper().readTree(read(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
