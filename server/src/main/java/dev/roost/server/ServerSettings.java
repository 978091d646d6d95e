package dev.roost.server;

import dev.roost.server.cluster.ClusterSettings;
import dev.roost.server.command.CommandSettings;
import dev.roost.server.common.Snowflake;
import dev.roost.server.config.Settings;
import dev.roost.server.connection.ConnectionSettings;
import dev.roost.server.devicelogs.LogSettings;
import dev.roost.server.northbound.legacy.LegacyRestSettings;
import dev.roost.server.security.SecretHasher;
import dev.roost.server.southbound.SouthboundSettings;
import dev.roost.server.status.StatusSettings;
import dev.roost.server.storage.DatabaseSettings;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.config.Config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Roost's own settings (the {@code roost} node of the config), read and validated once at start.
 *
 * @param db               database connection
 * @param nodeId           Snowflake node id, unique per server process of one fleet (0..1023)
 * @param bcryptCost       bcrypt cost for secrets, passwords and tokens (4..31)
 * @param adminToken       an admin token installed at every start when not already valid; when absent,
 *                         one is generated on an empty database and printed once
 * @param maxAuthFailures  failed authentications from one address before it is refused
 * @param authFailureWindow window over which failures are counted and the refusal lasts
 * @param authCacheTtl     how long a verified token is trusted without checking the database
 * @param maxBodyBytes     largest accepted REST request body
 * @param tls              PEM certificate chain and key, and client-certificate checks; plain text when absent
 * @param southbound       the device channel
 * @param status           status persistence
 * @param commands         command delivery
 * @param connections      bounds on TCP connections that hold a socket without using it
 * @param legacyRest       the legacy REST paths ({@code roost.legacy.rest})
 * @param cluster          clustering over NATS; off unless {@code cluster.nats-url} is set
 * @param logs             device logs and the built-in SFTP receiver ({@code roost.logs})
 */
public record ServerSettings(DatabaseSettings db,
                             int nodeId,
                             int bcryptCost,
                             Optional<String> adminToken,
                             int maxAuthFailures,
                             Duration authFailureWindow,
                             Duration authCacheTtl,
                             int maxBodyBytes,
                             Optional<TlsFiles> tls,
                             SouthboundSettings southbound,
                             StatusSettings status,
                             CommandSettings commands,
                             ConnectionSettings connections,
                             LegacyRestSettings legacyRest,
                             ClusterSettings cluster,
                             LogSettings logs) {

    /**
     * PEM files of the server's certificate chain and private key, and whether clients present a
     * certificate signed by {@code clientCa}.
     *
     * @param clientAuth {@code NONE}: none asked; {@code OPTIONAL}: asked, verified when presented;
     *                   {@code REQUIRED}: a connection without a verified one fails the handshake
     * @param clientCa   the CA certificates (read from {@code tls.client-ca}) that client
     *                   certificates must chain to; empty exactly when {@code clientAuth} is {@code NONE}
     */
    public record TlsFiles(Path certificate, Path privateKey, TlsClientAuth clientAuth,
                           List<X509Certificate> clientCa) {
        public TlsFiles {
            clientCa = List.copyOf(clientCa);
        }
    }

    public static ServerSettings create(Config roost) {
        Optional<String> adminToken = Optional.ofNullable(Settings.string(roost, "admin.token", null))
                .filter(token -> !token.isBlank());
        if (adminToken.isPresent() && adminToken.get().length() < 16) {
            throw Settings.invalid(roost, "admin.token", "must be at least 16 characters");
        }
        return new ServerSettings(DatabaseSettings.create(roost.get("db")),
                Settings.intIn(roost, "snowflake.node", 0, 0, Snowflake.MAX_NODE_ID),
                Settings.intIn(roost, "bcrypt.cost", 10, SecretHasher.MIN_COST, SecretHasher.MAX_COST),
                adminToken,
                Settings.intIn(roost, "auth.max-failures", 10, 1, 1_000_000),
                Settings.duration(roost, "auth.failure-window", Duration.ofMinutes(1)),
                Settings.duration(roost, "auth.cache-ttl", Duration.ofMinutes(1)),
                Settings.intIn(roost, "rest.max-body-bytes", 1 << 20, 1024, 64 << 20),
                tls(roost),
                SouthboundSettings.create(roost.get("southbound")),
                StatusSettings.create(roost.get("status")),
                CommandSettings.create(roost.get("commands")),
                ConnectionSettings.create(roost.get("connections")),
                LegacyRestSettings.create(roost.get("legacy.rest")),
                ClusterSettings.create(roost.get("cluster")),
                LogSettings.create(roost.get("logs")));
    }

    private static Optional<TlsFiles> tls(Config roost) {
        String cert = Settings.string(roost, "tls.cert", "");
        String key = Settings.string(roost, "tls.key", "");
        TlsClientAuth clientAuth = clientAuth(roost);
        String clientCa = Settings.string(roost, "tls.client-ca", "");
        if (cert.isBlank() && key.isBlank()) {
            if (clientAuth != TlsClientAuth.NONE || !clientCa.isBlank()) {
                throw Settings.invalid(roost, clientCa.isBlank() ? "tls.client-auth" : "tls.client-ca",
                        "needs tls.cert and tls.key: client certificates exist only over TLS");
            }
            return Optional.empty();
        }
        if (cert.isBlank() || key.isBlank()) {
            throw Settings.invalid(roost, cert.isBlank() ? "tls.cert" : "tls.key",
                    "is required when the other of tls.cert and tls.key is set");
        }
        if (clientAuth == TlsClientAuth.NONE && !clientCa.isBlank()) {
            throw Settings.invalid(roost, "tls.client-ca", "is set but tls.client-auth is none; set it to optional "
                    + "or required, or remove tls.client-ca");
        }
        if (clientAuth != TlsClientAuth.NONE && clientCa.isBlank()) {
            throw Settings.invalid(roost, "tls.client-ca", "is required when tls.client-auth is "
                    + clientAuth.name().toLowerCase(Locale.ROOT));
        }
        readable(roost, "tls.cert", cert);
        readable(roost, "tls.key", key);
        List<X509Certificate> ca = List.of();
        if (!clientCa.isBlank()) {
            readable(roost, "tls.client-ca", clientCa);
            ca = certificates(roost, "tls.client-ca", Path.of(clientCa));
        }
        return Optional.of(new TlsFiles(Path.of(cert), Path.of(key), clientAuth, ca));
    }

    private static TlsClientAuth clientAuth(Config roost) {
        String text = Settings.string(roost, "tls.client-auth", "none").trim();
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "", "none" -> TlsClientAuth.NONE;
            case "optional" -> TlsClientAuth.OPTIONAL;
            case "required" -> TlsClientAuth.REQUIRED;
            default -> throw Settings.invalid(roost, "tls.client-auth", "must be none, optional or required, was '"
                    + text + "'");
        };
    }

    private static List<X509Certificate> certificates(Config roost, String name, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw Settings.invalid(roost, name, "file " + file + " holds no PEM certificate");
            }
            return certificates;
        } catch (IOException | CertificateException e) {
            throw Settings.invalid(roost, name, "file " + file + " is not a PEM certificate file: " + e.getMessage());
        }
    }

    private static void readable(Config roost, String name, String file) {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw Settings.invalid(roost, name, "file " + path + " is not readable");
        }
    }
}
