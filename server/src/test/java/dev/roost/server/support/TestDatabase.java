package dev.roost.server.support;

import dev.roost.server.storage.DatabaseSettings;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * A fresh, empty database for one test server: an in-memory H2 database by default, or a new
 * database on the MariaDB server named by the system property {@code roost.test.mariadb}
 * (a JDBC URL without database, e.g. {@code jdbc:mariadb://127.0.0.1:3306/?user=root}), dropped
 * on {@link #close()}.
 */
public final class TestDatabase implements AutoCloseable {
    public static final String MARIADB_PROPERTY = "roost.test.mariadb";

    private final DatabaseSettings settings;
    private final String serverUrl;
    private final String name;

    private TestDatabase(DatabaseSettings settings, String serverUrl, String name) {
        this.settings = settings;
        this.serverUrl = serverUrl;
        this.name = name;
    }

    public static boolean onMariaDb() {
        String url = System.getProperty(MARIADB_PROPERTY, "");
        return !url.isBlank();
    }

    public static TestDatabase create() {
        String name = "roost_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        if (!onMariaDb()) {
            String url = "jdbc:h2:mem:" + name + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
            return new TestDatabase(new DatabaseSettings(url, "sa", "", 8, 4, Duration.ofSeconds(10),
                    Duration.ofSeconds(5)), null, name);
        }
        String serverUrl = System.getProperty(MARIADB_PROPERTY);
        execute(serverUrl, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        int query = serverUrl.indexOf('?');
        String base = query < 0 ? serverUrl : serverUrl.substring(0, query);
        String params = query < 0 ? "" : serverUrl.substring(query);
        String url = (base.endsWith("/") ? base : base + "/") + name + params;
        return new TestDatabase(new DatabaseSettings(url, "root", "", 8, 4, Duration.ofSeconds(10),
                Duration.ofSeconds(5)), serverUrl, name);
    }

    public DatabaseSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        if (serverUrl != null) {
            execute(serverUrl, "DROP DATABASE IF EXISTS " + name);
        } else {
            try (Connection connection = DriverManager.getConnection(settings.url(), "sa", "");
                 Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop " + name + ": " + e.getMessage(), e);
            }
        }
    }

    private static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on " + url + ": " + e.getMessage(), e);
        }
    }
}
