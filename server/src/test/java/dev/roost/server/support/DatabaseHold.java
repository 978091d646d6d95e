package dev.roost.server.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A database that does not answer until the test lets it: from a connection of its own, every
 * statement of the server on {@code tables} waits until {@link #close()}, however long that is —
 * the test decides when the wait ends, not a timeout. On H2 the whole database waits (exclusive
 * mode pauses every other connection's statements, and the opening of new ones, so the server's
 * pool waits too); on MariaDB the tables are locked ({@code LOCK TABLES ... WRITE}), so the
 * server needs a query timeout longer than the hold.
 */
public final class DatabaseHold implements AutoCloseable {
    private final Connection connection;

    private DatabaseHold(Connection connection) {
        this.connection = connection;
    }

    public static DatabaseHold on(TestDatabase database, String... tables) throws SQLException {
        Connection connection = DriverManager.getConnection(database.settings().url(), database.settings().username(),
                database.settings().password());
        try (Statement statement = connection.createStatement()) {
            if (TestDatabase.onMariaDb()) {
                statement.execute("LOCK TABLES " + String.join(" WRITE, ", tables) + " WRITE");
            } else {
                statement.execute("SET EXCLUSIVE 1");
            }
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return new DatabaseHold(connection);
    }

    @Override
    public void close() throws SQLException {
        try (connection; Statement statement = connection.createStatement()) {
            statement.execute(TestDatabase.onMariaDb() ? "UNLOCK TABLES" : "SET EXCLUSIVE 0");
        }
    }
}
