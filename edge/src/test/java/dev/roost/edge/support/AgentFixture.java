package dev.roost.edge.support;

import dev.roost.edge.config.AgentConfig;
import dev.roost.edge.config.ConfigLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Agent configurations for tests: fast timers, files under a temporary directory. */
public final class AgentFixture {
    private AgentFixture() {
    }

    public static AgentConfig config(Path dir, int port, String deviceId, String secret, Map<String, String> extra) {
        try {
            Files.createDirectories(dir);
            Path secretFile = dir.resolve("secret");
            Files.writeString(secretFile, secret + "\n");
            Map<String, String> values = new HashMap<>(Map.of(
                    "server-url", "ws://127.0.0.1:" + port + "/ws",
                    "device-id", deviceId,
                    "secret-file", secretFile.toString(),
                    "state-dir", dir.resolve("state").toString(),
                    "log.dir", dir.resolve("logs").toString(),
                    "tick", "PT0.02S",
                    "report-interval", "PT0.3S",
                    "backoff.base", "PT0.05S",
                    "backoff.cap", "PT0.4S"));
            values.put("connect-timeout", "PT5S");
            // Never the default (systemctl reboot) in tests: a test that reboots names a script.
            values.put("reboot.command", "none");
            if (extra.containsKey("server-urls")) {
                values.remove("server-url");
            }
            values.putAll(extra);
            return ConfigLoader.load(Optional.empty(), Map.of(), values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
