package dev.roost.server.storage;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the API acknowledged on the embedded H2 database survives the process dying at once. */
class EmbeddedDurabilityTest {
    @Test
    void aCommittedRow_survivesAHaltRightAfterTheCommit(@TempDir Path dir) throws Exception {
        String configured = "jdbc:h2:file:" + dir.resolve("roost") + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
        DatabaseSettings settings = DatabaseSettings.create(Config.just(ConfigSources.create(Map.of("url", configured))));

        assertThat(commitInAChildThenHalt(settings.url())).isEqualTo("committed");

        try (Connection connection = DriverManager.getConnection(settings.url(), "sa", "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM acknowledged")) {
            assertThat(rows.next()).as("the committed row is in the file").isTrue();
            assertThat(rows.getLong(1)).isEqualTo(42);
        }
    }

    @Test
    void onlyFileUrlsWithoutTheirOwnWriteDelay_getWriteDelayZero() {
        assertThat(DatabaseSettings.DEFAULT_URL).doesNotContain("WRITE_DELAY");
        assertThat(DatabaseSettings.withCommitsWritten(DatabaseSettings.DEFAULT_URL))
                .endsWith(";WRITE_DELAY=0");
        assertThat(DatabaseSettings.withCommitsWritten("jdbc:h2:file:./x;write_delay=200"))
                .isEqualTo("jdbc:h2:file:./x;write_delay=200");
        assertThat(DatabaseSettings.withCommitsWritten("jdbc:h2:mem:x;MODE=MySQL")).isEqualTo("jdbc:h2:mem:x;MODE=MySQL");
        assertThat(DatabaseSettings.withCommitsWritten("jdbc:mariadb://db/roost")).isEqualTo("jdbc:mariadb://db/roost");
    }

    private static String commitInAChildThenHalt(String url) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CommitThenHalt.class.getName(), url).redirectErrorStream(true).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
        return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
