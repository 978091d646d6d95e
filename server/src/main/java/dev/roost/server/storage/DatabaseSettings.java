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
 * @param poolSize     maximum pooled connections for reads and single statements
 * @param writePoolSize  connections kept for transactions (see {@link Database})
 * @param connectTimeout how long a caller waits for a pooled connection
 * @param queryTimeout   how long one statement may run before it fails with UNAVAILABLE (whole seconds)
 */
public record DatabaseSettings(String url, String username, String password, int poolSize, int writePoolSize,
                               Duration connectTimeout, Duration queryTimeout) {
    public static final String DEFAULT_URL = "jdbc:h2:file:./data/roost;MODE=MySQL;DATABASE_TO_LOWER=TRUE";
    private static final String H2_WRITE_DELAY = "WRITE_DELAY";

    public static DatabaseSettings create(Config db) {
        String configured = Settings.string(db, "url", DEFAULT_URL);
        if (!configured.startsWith("jdbc:h2:") && !configured.startsWith("jdbc:mysql:")
                && !configured.startsWith("jdbc:mariadb:")) {
            throw Settings.invalid(db, "url", "must be a jdbc:h2:, jdbc:mysql: or jdbc:mariadb: URL");
        }
        String url = withCommitsWritten(configured);
        return new DatabaseSettings(url,
                Settings.string(db, "username", url.startsWith("jdbc:h2:") ? "sa" : "root"),
                Settings.string(db, "password", ""),
                Settings.intIn(db, "pool", 16, 1, 500),
                Settings.intIn(db, "write-pool", 4, 1, 500),
                Settings.duration(db, "connect-timeout", Duration.ofSeconds(10)),
                Settings.duration(db, "query-timeout", Duration.ofSeconds(5)));
    }

    /**
     * An H2 file database writes a commit to its file only up to 500 ms later by default, so a
     * {@code kill -9} in between loses what the API had acknowledged. Unless the URL chooses its
     * own {@code WRITE_DELAY}, it gets {@code WRITE_DELAY=0}: every commit is in the file before
     * it returns. H2 still does not fsync a commit (docs/operations.md says what that means).
     */
    static String withCommitsWritten(String url) {
        boolean file = url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:");
        if (!file || url.toUpperCase(java.util.Locale.ROOT).contains(";" + H2_WRITE_DELAY + "=")) {
            return url;
        }
        return url + ";" + H2_WRITE_DELAY + "=0";
    }

    public boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url + ", username=" + username + ", poolSize=" + poolSize
                + ", writePoolSize=" + writePoolSize + "]";
    }
}
