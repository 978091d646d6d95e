package dev.roost.protocol;

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
            "command_result", "command_result_ack", "reboot_confirm", "command_cancel", "error");

    private Golden() {
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
