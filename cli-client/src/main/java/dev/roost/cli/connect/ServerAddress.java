package dev.roost.cli.connect;

import java.util.Optional;

/** A gRPC server's {@code host:port}; the port defaults to 9090. */
public record ServerAddress(String host, int port) {
    public static final int DEFAULT_PORT = 9090;
    public static final ServerAddress DEFAULT = new ServerAddress("localhost", DEFAULT_PORT);

    /** Parses {@code host}, {@code host:port} or {@code [v6]:port}; empty when malformed. */
    public static Optional<ServerAddress> parse(String text) {
        String value = text.strip();
        String host;
        String port = null;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0) {
                return Optional.empty();
            }
            host = value.substring(1, end);
            String rest = value.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return Optional.empty();
                }
                port = rest.substring(1);
            }
        } else {
            int colon = value.lastIndexOf(':');
            host = colon < 0 ? value : value.substring(0, colon);
            port = colon < 0 ? null : value.substring(colon + 1);
        }
        if (host.isEmpty() || host.contains("/") || host.contains(":") && !value.startsWith("[")) {
            return Optional.empty();
        }
        if (port == null) {
            return Optional.of(new ServerAddress(host, DEFAULT_PORT));
        }
        try {
            int number = Integer.parseInt(port);
            return number > 0 && number < 65536 ? Optional.of(new ServerAddress(host, number)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
