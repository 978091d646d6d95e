package dev.roost.edge.config;

import dev.roost.edge.command.SftpTarget;
import dev.roost.edge.link.BackoffSettings;
import dev.roost.edge.link.ClientTls;
import dev.roost.edge.logging.LogSettings;
import dev.roost.protocol.Messages;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's validated configuration (docs/edge.md lists every key).
 *
 * @param serverUrls     {@code server-url}, or the {@code server-urls} to fail over between, in order
 * @param tls            for a {@code wss://} server URL: trust and the optional client certificate
 * @param secret         read from {@code secret-file}; never printed
 * @param stateDir       the dedupe journal, the applied desired state and the session token live here
 * @param tick           resolution of heartbeat, dead-link and report timers
 * @param reboot         the command line a confirmed reboot runs (default: {@code systemctl reboot} on
 *                       Linux); empty = this device refuses reboots
 * @param builtInScripts whether exec also allows the read-only built-ins (uptime, disk-usage, ...)
 * @param desiredHandlers command lines that apply a desired-state key, by key
 * @param commandTimeout for commands that carry no timeout
 */
public record AgentConfig(List<URI> serverUrls,
                          Optional<ClientTls> tls,
                          Optional<String> deviceId,
                          Optional<Messages.Hardware> hardware,
                          Path secretFile,
                          String secret,
                          Duration reportInterval,
                          Path stateDir,
                          LogSettings log,
                          BackoffSettings backoff,
                          Duration connectTimeout,
                          Duration tick,
                          Optional<InetAddress> sourceAddress,
                          Optional<SftpTarget> sftp,
                          Map<String, Path> scripts,
                          boolean builtInScripts,
                          Map<String, List<String>> handlers,
                          Map<String, List<String>> desiredHandlers,
                          List<String> reboot,
                          int maxOutputBytes,
                          Duration commandTimeout) {

    @Override
    public String toString() {
        return "AgentConfig[" + serverUrls + ", " + deviceId.orElse("hardware") + "]";
    }
}
