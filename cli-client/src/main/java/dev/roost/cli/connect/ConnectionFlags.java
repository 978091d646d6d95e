package dev.roost.cli.connect;

import java.nio.file.Path;

/** The connection flags as given on the command line; null when not given. */
public record ConnectionFlags(String server, String token, Boolean tls, Path caCert, String context, Path config) {
}
