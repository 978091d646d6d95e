package dev.roost.server.devicelogs;

import dev.roost.server.config.Settings;
import io.helidon.config.Config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of device logs ({@code roost.logs}; docs/operations.md).
 *
 * @param enabled        whether the SFTP receiver listens (off by default)
 * @param host           the address it listens on
 * @param port           its port (0: any free port)
 * @param dir            the folder holding one folder per device
 * @param hostKeyFile    the receiver's host key, generated at the first start and kept
 * @param maxFileBytes   largest file; a write beyond it fails and the file keeps what came before
 * @param maxDeviceBytes all files of one device together
 * @param retention      files older than this are deleted by an hourly sweep
 */
public record LogSettings(boolean enabled, String host, int port, Path dir, Path hostKeyFile, long maxFileBytes,
                          long maxDeviceBytes, Duration retention) {
    public static LogSettings create(Config node) {
        Path dir = Path.of(Settings.string(node, "dir", "./data/logs"));
        return new LogSettings(
                Settings.bool(node, "enabled", false),
                Settings.string(node, "host", "0.0.0.0"),
                Settings.intIn(node, "port", 2222, 0, 65535),
                dir,
                Path.of(Settings.string(node, "host-key-file", "./data/sftp-host-key")),
                Settings.intIn(node, "max-file-bytes", 64 << 20, 1024, Integer.MAX_VALUE),
                Settings.intIn(node, "max-device-bytes", 512 << 20, 1024, Integer.MAX_VALUE),
                Settings.duration(node, "retention", Duration.ofDays(30)));
    }
}
