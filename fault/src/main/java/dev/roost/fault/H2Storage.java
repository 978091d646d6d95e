package dev.roost.fault;

import java.nio.file.Path;
import java.util.Map;

/** The server's embedded H2 database, in a file of the run's work folder. */
final class H2Storage implements Storage {
    private final Path file;

    H2Storage(Path workDir) {
        this.file = workDir.resolve("h2").resolve("roost").toAbsolutePath();
    }

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public Map<String, String> serverEnvironment() {
        // The server adds WRITE_DELAY=0 itself to an H2 file URL that sets none (operations.md).
        return Map.of("ROOST_DB_URL", "jdbc:h2:file:" + file + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE",
                "ROOST_DB_USERNAME", "sa", "ROOST_DB_PASSWORD", "");
    }

    @Override
    public String readUrl() {
        return "jdbc:h2:file:" + file + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
    }

    @Override
    public String user() {
        return "sa";
    }

    @Override
    public void close() {
        // The file goes with the work folder.
    }
}
