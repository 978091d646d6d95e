package dev.roost.bench;

import dev.roost.cli.command.DurationConverter;
import picocli.CommandLine.Option;

import java.time.Duration;

/** How the benchmark reaches the server: shared by every subcommand. */
final class ConnectionOptions {
    @Option(names = "--target", defaultValue = "127.0.0.1:9090", description = "host:port of the gRPC server (default: ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--token", defaultValue = "${env:ROOST_ADMIN_TOKEN}",
            description = "bearer token (default: $ROOST_ADMIN_TOKEN)")
    String token;

    @Option(names = "--channels", defaultValue = "4", description = "HTTP/2 connections to spread calls over (default: ${DEFAULT-VALUE})")
    int channels;

    @Option(names = "--deadline", defaultValue = "5s", converter = DurationConverter.class,
            description = "client deadline of every call (default: ${DEFAULT-VALUE})")
    Duration deadline;

    @Option(names = "--accept-gzip", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "advertise gzip in grpc-accept-encoding, as grpc-java clients do by default; "
                    + "--no-accept-gzip asks for uncompressed responses (default: ${DEFAULT-VALUE})")
    boolean acceptGzip;

    DeviceStubs connect() {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no token: pass --token or set ROOST_ADMIN_TOKEN");
        }
        if (channels < 1) {
            throw new IllegalArgumentException("--channels must be at least 1");
        }
        return DeviceStubs.connect(target, channels, token, deadline, acceptGzip);
    }
}
