package dev.roost.fault;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The database of one scenario run: the server's embedded H2 file or a MariaDB server of the suite's
 * own. Reads what the server stored, to compare it with what the devices were told.
 */
interface Storage extends AutoCloseable {
    /** {@code h2} or {@code mariadb}. */
    String name();

    /** The server's {@code roost.db.*} settings as environment variables. */
    Map<String, String> serverEnvironment();

    /** A JDBC URL this process can read with, once the server no longer holds the database. */
    String readUrl();

    String user();

    /** Each device's stored {@code fault_seq} (the counter our status source puts in every report). */
    default Map<String, Long> storedStatusSeqs() throws SQLException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Long> seqs = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(readUrl(), user(), "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT device_id, reported_json FROM device_status")) {
            while (rows.next()) {
                try {
                    seqs.put(Long.toString(rows.getLong(1)),
                            json.readTree(rows.getString(2)).path(CountingStatusSource.SEQ).asLong(-1));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    seqs.put(Long.toString(rows.getLong(1)), -1L);
                }
            }
        }
        return seqs;
    }

    @Override
    void close();
}
