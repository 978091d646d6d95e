package dev.roost.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import org.flywaydb.core.Flyway;

import java.sql.SQLException;
import java.util.function.Function;

/**
 * The relational store: schema migrations (Flyway, from {@code sql/}) applied at open, and two
 * HikariCP pools with a Helidon {@link DbClient} over each.
 *
 * <p>Reads and single statements use the main pool ({@code roost.db.pool}), whose connections
 * stay in auto-commit. Transactions use the write pool ({@code roost.db.write-pool}), whose
 * connections stay out of it: on one shared pool, every transaction would switch its connection
 * out of auto-commit and the pool would switch it back on return, two more round trips to the
 * database per transaction (with the MariaDB driver, {@code set autocommit=0} and {@code =1}),
 * which were as many as the command path's own statements (docs/benchmarks.md).
 */
public final class Database implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    private final HikariDataSource dataSource;
    private final HikariDataSource writeDataSource;
    private final QueryTimeout queryTimeout;
    private final DbClient client;
    private final DbClient writeClient;

    private Database(HikariDataSource dataSource, HikariDataSource writeDataSource, QueryTimeout queryTimeout) {
        this.dataSource = dataSource;
        this.writeDataSource = writeDataSource;
        this.queryTimeout = queryTimeout;
        this.client = clientOver(dataSource, queryTimeout);
        this.writeClient = clientOver(writeDataSource, queryTimeout);
    }

    private static DbClient clientOver(HikariDataSource pool, QueryTimeout queryTimeout) {
        return JdbcClientBuilder.create()
                .connectionPool(() -> queryTimeout.applyTo(connection(pool)))
                .build();
    }

    private static HikariDataSource pool(DatabaseSettings settings, String name, int size, boolean autoCommit) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(settings.url());
        hikari.setUsername(settings.username());
        hikari.setPassword(settings.password());
        hikari.setMaximumPoolSize(size);
        hikari.setConnectionTimeout(settings.connectTimeout().toMillis());
        hikari.setPoolName(name);
        hikari.setAutoCommit(autoCommit);
        return new HikariDataSource(hikari);
    }

    /** Opens the pool and migrates the schema to the newest version. */
    public static Database open(DatabaseSettings settings) {
        DatabaseCreation.ensureExists(settings);
        HikariDataSource dataSource = pool(settings, "roost-db", settings.poolSize(), true);
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load();
            int applied = flyway.migrate().migrationsExecuted;
            var current = flyway.info().current();
            String version = current == null ? "none" : current.getVersion().getVersion();
            LOG.log(System.Logger.Level.INFO, applied == 0
                            ? "Database schema at version {0}, up to date, on {2}"
                            : "Database schema migrated to version {0} ({1} migrations applied) on {2}",
                    version, applied, DatabaseCreation.redacted(settings.url()));
            return new Database(dataSource, pool(settings, "roost-db-write", settings.writePoolSize(), false),
                    new QueryTimeout(settings.queryTimeout()));
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static java.sql.Connection connection(HikariDataSource dataSource) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "no database connection: " + e.getMessage());
            throw new RoostException(ErrorCode.UNAVAILABLE, "database unavailable");
        }
    }

    /** Reads and single statements, each committed on its own. */
    public DbClient client() {
        return client;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Function<DbTransaction, T> work) {
        DbTransaction tx = writeClient.transaction();
        try {
            T result = work.apply(tx);
            tx.commit();
            return result;
        } catch (RuntimeException e) {
            try {
                tx.rollback();
            } catch (RuntimeException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    /** Work on a plain JDBC connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(java.sql.Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on one pooled connection in one transaction. Only for bulk writes that need
     * JDBC batching, which DbClient does not offer; everything else goes through {@link #client()}.
     */
    public <T> T inJdbcTransaction(SqlWork<T> work) {
        try (java.sql.Connection connection = queryTimeout.applyTo(writeDataSource.getConnection())) {
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("bulk write failed: " + e.getMessage(), e);
        }
    }

    /** True when {@code e} was caused by a unique or foreign-key constraint (SQLState class 23). */
    public static boolean isConstraintViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    /** True when a connection can be had and answers a trivial query within two seconds. */
    public boolean isReachable() {
        try (var connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
        writeClient.close();
        dataSource.close();
        writeDataSource.close();
    }
}
