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
 * The relational store: a HikariCP pool, schema migrations (Flyway, from {@code sql/}) applied at
 * open, and a Helidon {@link DbClient} over the pool for every query.
 */
public final class Database implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    private final HikariDataSource dataSource;
    private final QueryTimeout queryTimeout;
    private final DbClient client;

    private Database(HikariDataSource dataSource, QueryTimeout queryTimeout, DbClient client) {
        this.dataSource = dataSource;
        this.queryTimeout = queryTimeout;
        this.client = client;
    }

    /** Opens the pool and migrates the schema to the newest version. */
    public static Database open(DatabaseSettings settings) {
        DatabaseCreation.ensureExists(settings);
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(settings.url());
        hikari.setUsername(settings.username());
        hikari.setPassword(settings.password());
        hikari.setMaximumPoolSize(settings.poolSize());
        hikari.setConnectionTimeout(settings.connectTimeout().toMillis());
        hikari.setPoolName("roost-db");
        HikariDataSource dataSource = new HikariDataSource(hikari);
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
            QueryTimeout queryTimeout = new QueryTimeout(settings.queryTimeout());
            DbClient client = JdbcClientBuilder.create()
                    .connectionPool(() -> queryTimeout.applyTo(connection(dataSource)))
                    .build();
            return new Database(dataSource, queryTimeout, client);
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

    public DbClient client() {
        return client;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Function<DbTransaction, T> work) {
        DbTransaction tx = client.transaction();
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
        try (java.sql.Connection connection = queryTimeout.applyTo(dataSource.getConnection())) {
            connection.setAutoCommit(false);
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
        dataSource.close();
    }
}
