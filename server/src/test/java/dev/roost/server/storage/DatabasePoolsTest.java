package dev.roost.server.storage;

import dev.roost.server.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Transactions on the write pool, single statements on the main pool (Database's two pools). */
@Tag("db")
class DatabasePoolsTest {
    private TestDatabase testDatabase;
    private Database db;

    @BeforeEach
    void open() {
        testDatabase = TestDatabase.create();
        DatabaseSettings settings = testDatabase.settings();
        // One write connection: every transaction below runs on the same one.
        db = Database.open(new DatabaseSettings(settings.url(), settings.username(), settings.password(),
                settings.poolSize(), 1, settings.connectTimeout(), settings.queryTimeout()));
    }

    @AfterEach
    void close() {
        db.close();
        testDatabase.close();
    }

    @Test
    void aTransactionCommits_andARolledBackOne_leavesNothing_norLeaksIntoTheNext() {
        assertThatThrownBy(() -> db.inJdbcTransaction(connection -> {
            insertSecret(connection, "rolled-back");
            throw new SQLException("refused", "22001");
        })).hasMessageContaining("refused");
        db.inJdbcTransaction(connection -> insertSecret(connection, "committed"));

        assertThat(secretOnMainPool("rolled-back")).isEmpty();
        assertThat(secretOnMainPool("committed")).contains("s-committed");
    }

    @Test
    void singleStatements_commitOnTheirOwn_whileTransactionConnectionsStayOutOfAutoCommit() throws SQLException {
        db.client().execute().insert("INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?)",
                "single", "s-single", 1L);

        boolean autoCommit = db.inJdbcTransaction(connection -> connection.getAutoCommit());
        assertThat(autoCommit).isFalse();
        Optional<String> seen = db.inJdbcTransaction(connection -> secret(connection, "single"));
        assertThat(seen).contains("s-single");
    }

    @Test
    void transactions_switchNoConnectionMode_onMariaDb() {
        assumeTrue(TestDatabase.onMariaDb(), "needs -D" + TestDatabase.MARIADB_PROPERTY);
        long before = db.inJdbcTransaction(DatabasePoolsTest::setOptionCount);
        for (int i = 0; i < 5; i++) {
            String name = "tx-" + i;
            db.inJdbcTransaction(connection -> insertSecret(connection, name));
            db.inTransaction(tx -> tx.get("SELECT secret FROM server_secrets WHERE name = ?", name));
        }
        long after = db.inJdbcTransaction(DatabasePoolsTest::setOptionCount);

        // The session's own count: with one shared pool each transaction sent set autocommit=0 and =1.
        assertThat(after - before).isZero();
    }

    private static Void insertSecret(Connection connection, String name) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?)")) {
            insert.setString(1, name);
            insert.setString(2, "s-" + name);
            insert.setLong(3, 1L);
            insert.executeUpdate();
        }
        return null;
    }

    private Optional<String> secretOnMainPool(String name) {
        return db.client().execute().get("SELECT secret FROM server_secrets WHERE name = ?", name)
                .map(row -> row.column("secret").getString());
    }

    private static Optional<String> secret(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT secret FROM server_secrets WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    private static long setOptionCount(Connection connection) throws SQLException {
        try (PreparedStatement show = connection.prepareStatement("SHOW SESSION STATUS LIKE 'Com_set_option'");
             ResultSet rows = show.executeQuery()) {
            rows.next();
            return rows.getLong(2);
        }
    }
}
