package dev.roost.server.storage;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Creates the database a MySQL/MariaDB URL names when the server has none of that name, so that
 * {@code ROOST_DB_URL=jdbc:mariadb://db:3306/roost} alone is enough on a fresh server. When the
 * database cannot be created (no privilege), start-up fails with a message that names the URL.
 */
final class DatabaseCreation {
    private static final System.Logger LOG = System.getLogger(DatabaseCreation.class.getName());
    /** MySQL/MariaDB: ER_BAD_DB_ERROR. */
    private static final int UNKNOWN_DATABASE = 1049;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$]{1,64}");
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

    private DatabaseCreation() {
    }

    /** Creates the URL's database when it does not exist; does nothing for H2 or a URL naming none. */
    static void ensureExists(DatabaseSettings settings) {
        if (settings.isH2()) {
            return;
        }
        Optional<String> name = databaseName(settings.url());
        if (name.isEmpty()) {
            return;
        }
        try (Connection ignored = DriverManager.getConnection(settings.url(), credentials(settings))) {
            return;
        } catch (SQLException e) {
            if (e.getErrorCode() != UNKNOWN_DATABASE) {
                throw new IllegalStateException("cannot connect to the database " + redacted(settings.url()) + " as user '"
                        + settings.username() + "': " + e.getMessage(), e);
            }
        }
        String serverUrl = withoutDatabase(settings.url(), name.get());
        try (Connection connection = DriverManager.getConnection(serverUrl, credentials(settings));
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE IF NOT EXISTS `" + name.get()
                    + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            LOG.log(System.Logger.Level.INFO, "Created the database {0} named by {1}", name.get(),
                    redacted(settings.url()));
        } catch (SQLException e) {
            throw new IllegalStateException("the database '" + name.get() + "' named by " + redacted(settings.url())
                    + " does not exist and user '" + settings.username() + "' cannot create it: " + e.getMessage()
                    + " (create it, e.g. CREATE DATABASE " + name.get()
                    + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, or grant CREATE)", e);
        }
    }

    /** The database of {@code jdbc:mariadb://host:port/NAME?...}; empty for a URL naming none or not parsed. */
    static Optional<String> databaseName(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return Optional.empty();
        }
        try {
            String path = URI.create("db" + url.substring(scheme)).getPath();
            String name = path == null ? "" : path.replaceFirst("^/", "");
            return NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String withoutDatabase(String url, String name) {
        int scheme = url.indexOf("://");
        int slash = url.indexOf("/" + name, scheme + 3);
        return url.substring(0, slash + 1) + url.substring(slash + 1 + name.length());
    }

    private static Properties credentials(DatabaseSettings settings) {
        Properties properties = new Properties();
        properties.setProperty("user", settings.username());
        properties.setProperty("password", settings.password());
        return properties;
    }

    static String redacted(String url) {
        return PASSWORD.matcher(url).replaceAll("$1***");
    }
}
