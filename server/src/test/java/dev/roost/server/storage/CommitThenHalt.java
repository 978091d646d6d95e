package dev.roost.server.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Run in a child JVM by {@link EmbeddedDurabilityTest}: commits one row, prints "committed" and
 * halts at once — no shutdown hook runs, so H2 cannot close the database, as after {@code kill -9}.
 */
public final class CommitThenHalt {
    private CommitThenHalt() {
    }

    public static void main(String[] args) throws SQLException {
        try (Connection connection = DriverManager.getConnection(args[0], "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE acknowledged (id BIGINT PRIMARY KEY)");
            connection.setAutoCommit(false);
            statement.execute("INSERT INTO acknowledged VALUES (42)");
            connection.commit();
            System.out.println("committed");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }
}
