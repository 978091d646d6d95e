package dev.roost.server.storage;

import dev.roost.server.ServerSettings;
import dev.roost.server.support.TestDatabase;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DatabaseCreationTest {

    /** The shipped application.yaml with only ROOST_DB_URL set, as operations.md shows. */
    private static DatabaseSettings shippedWithUrl(String url) {
        Config config = Config.builder()
                .sources(ConfigSources.create(Map.of("roost.db.url", url)), ConfigSources.classpath("application.yaml"))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
        return ServerSettings.create(config.get("roost")).db();
    }

    @Test
    void mariaDbUrlAlone_connectsAsRoot() {
        assertThat(shippedWithUrl("jdbc:mariadb://db:3306/roost").username()).isEqualTo("root");
        assertThat(shippedWithUrl(DatabaseSettings.DEFAULT_URL).username()).isEqualTo("sa");
    }

    @Test
    void databaseName_isThePathOfTheUrl() {
        assertThat(DatabaseCreation.databaseName("jdbc:mariadb://db:3306/roost?user=x")).contains("roost");
        assertThat(DatabaseCreation.databaseName("jdbc:mysql://db/roost_2")).contains("roost_2");
        assertThat(DatabaseCreation.databaseName("jdbc:mariadb://db:3306/?user=root")).isEmpty();
        assertThat(DatabaseCreation.redacted("jdbc:mariadb://db/r?user=a&password=secret&x=1"))
                .isEqualTo("jdbc:mariadb://db/r?user=a&password=***&x=1");
    }

    @Test
    @Tag("db")
    void missingDatabase_isCreatedAndMigrated() throws SQLException {
        assumeTrue(TestDatabase.onMariaDb(), "needs -D" + TestDatabase.MARIADB_PROPERTY);
        String server = serverUrlWithoutParameters();
        String name = "roost_created_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Database database = Database.open(shippedWithUrl(server + name))) {
            assertThat(database.isReachable()).isTrue();
            assertThat(database.client().execute().query("SELECT COUNT(*) AS n FROM devices")
                    .map(row -> row.column("n").getLong()).findFirst()).contains(0L);
        } finally {
            try (var connection = DriverManager.getConnection(server + "?user=root");
                 var statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
    }

    @Test
    @Tag("db")
    void unreachableUser_failsNamingTheUrl() {
        assumeTrue(TestDatabase.onMariaDb(), "needs -D" + TestDatabase.MARIADB_PROPERTY);
        String url = serverUrlWithoutParameters() + "roost_never?user=nobody_here&password=wrong";
        assertThatThrownBy(() -> Database.open(shippedWithUrl(url)))
                .hasMessageContaining("roost_never?user=nobody_here&password=***")
                .hasMessageNotContaining("wrong");
    }

    private static String serverUrlWithoutParameters() {
        String url = System.getProperty(TestDatabase.MARIADB_PROPERTY);
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        return base.endsWith("/") ? base : base + "/";
    }
}
