package dev.roost.server;

import dev.roost.server.cluster.ClusterSettings;
import dev.roost.server.command.CommandSettings;
import dev.roost.server.common.Snowflake;
import dev.roost.server.config.Settings;
import dev.roost.server.security.SecretHasher;
import dev.roost.server.southbound.SouthboundSettings;
import dev.roost.server.status.StatusSettings;
import dev.roost.server.storage.DatabaseSettings;
import io.helidon.config.Config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Roost's own settings (the {@code roost} node of the config), read and validated once at start.
 *
 * @param db               database connection
 * @param nodeId           Snowflake node id, unique per server process of one fleet (0..1023)
 * @param bcryptCost       bcrypt cost for secrets, passwords and tokens (4..31)
 * @param adminToken       the initial admin token on an empty database; generated when absent
 * @param maxAuthFailures  failed authentications from one address before it is refused
 * @param authFailureWindow window over which failures are counted and the refusal lasts
 * @param authCacheTtl     how long a verified token is trusted without checking the database
 * @param maxBodyBytes     largest accepted REST request body
 * @param tls              PEM certificate chain and key; plain text when absent
 * @param southbound       the device channel
 * @param status           status persistence
 * @param commands         command delivery
 * @param cluster          clustering over NATS; off unless {@code cluster.nats-url} is set
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
                             ClusterSettings cluster) {

    /** PEM files of the server's certificate chain and private key. */
    public record TlsFiles(Path certificate, Path privateKey) {
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
                ClusterSettings.create(roost.get("cluster")));
    }

    private static Optional<TlsFiles> tls(Config roost) {
        String cert = Settings.string(roost, "tls.cert", "");
        String key = Settings.string(roost, "tls.key", "");
        if (cert.isBlank() && key.isBlank()) {
            return Optional.empty();
        }
        if (cert.isBlank() || key.isBlank()) {
            throw Settings.invalid(roost, cert.isBlank() ? "tls.cert" : "tls.key",
                    "is required when the other of tls.cert and tls.key is set");
        }
        for (String name : new String[] {"tls.cert", "tls.key"}) {
            Path path = Path.of(name.equals("tls.cert") ? cert : key);
            if (!Files.isReadable(path)) {
                throw Settings.invalid(roost, name, "file " + path + " is not readable");
            }
        }
        return Optional.of(new TlsFiles(Path.of(cert), Path.of(key)));
    }
}
