package dev.roost.edge.command;

import java.time.Duration;
import java.util.Optional;

/**
 * Where {@code upload_log} puts files.
 *
 * @param hostKeyFingerprint the server's host key as {@code SHA256:<base64>}; any other key is refused
 * @param privateKeyFile     key authentication (preferred)
 * @param password           password authentication, when no key is configured
 */
public record SftpTarget(String host, int port, String user, Optional<java.nio.file.Path> privateKeyFile,
                         Optional<String> password, String hostKeyFingerprint, Duration timeout) {
    @Override
    public String toString() {
        return "SftpTarget[" + user + "@" + host + ":" + port + ", " + hostKeyFingerprint + "]";
    }
}
