package dev.roost.server.storage;

import dev.roost.server.config.Settings;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * Connection settings of the database ({@code roost.db} in the config).
 *
 * @param url          JDBC URL: H2 file database by default, or MySQL 8 / MariaDB
 * @param username     database user
 * @param password     database password (never logged)
 * @param poolSize     maximum pooled connections
 * @param connectTimeout how long a caller waits for a pooled connection
 * @param queryTimeout   how long one statement may run before it fails with UNAVAILABLE (whole seconds)
 */
public record DatabaseSettings(String url, String username, String password, int poolSize, Duration connectTimeout,
                               Duration queryTimeout) {
    public static final String DEFAULT_URL = "jdbc:h2:file:./data/roost;MODE=MySQL;DATABASE_TO_LOWER=TRUE";

    public static DatabaseSettings create(Config db) {
        String url = Settings.string(db, "url", DEFAULT_URL);
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:mysql:") && !url.startsWith("jdbc:mariadb:")) {
            throw Settings.invalid(db, "url", "must be a jdbc:h2:, jdbc:mysql: or jdbc:mariadb: URL");
        }
        return new DatabaseSettings(url,
                Settings.string(db, "username", url.startsWith("jdbc:h2:") ? "sa" : "root"),
                Settings.string(db, "password", ""),
                Settings.intIn(db, "pool", 16, 1, 500),
                Settings.duration(db, "connect-timeout", Duration.ofSeconds(10)),
                Settings.duration(db, "query-timeout", Duration.ofSeconds(5)));
    }

    public boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url + ", username=" + username + ", poolSize=" + poolSize + "]";
    }
}
