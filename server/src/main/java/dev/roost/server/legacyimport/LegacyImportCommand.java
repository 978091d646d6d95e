package dev.roost.server.legacyimport;

import dev.roost.server.common.Json;
import dev.roost.server.common.Snowflake;
import dev.roost.server.device.JdbcDeviceStore;
import dev.roost.server.group.JdbcGroupStore;
import dev.roost.server.storage.CountCache;
import dev.roost.server.storage.Database;
import dev.roost.server.storage.DatabaseSettings;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

/**
 * {@code roost-server import-legacy --from <jdbc-url> [--from-user U] [--from-password P]}: imports
 * the legacy database named by {@code --from} into the Roost database of the normal configuration
 * ({@code roost.db.*}, e.g. {@code ROOST_DB_URL}). Prints one line of counts per table and every
 * skipped row with its reason.
 */
public final class LegacyImportCommand {
    static final String USAGE = "usage: roost-server import-legacy --from <jdbc-url> [--from-user <user>] "
            + "[--from-password <password>]";

    /** The parsed arguments; user and password may also be in the URL. */
    record Arguments(String from, String user, String password) {
        static Arguments parse(String[] args) {
            String from = null;
            String user = null;
            String password = null;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                String value = null;
                int equals = name.indexOf('=');
                if (name.startsWith("--") && equals > 0) {
                    value = name.substring(equals + 1);
                    name = name.substring(0, equals);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                }
                if (value == null) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                switch (name) {
                    case "--from" -> from = value;
                    case "--from-user" -> user = value;
                    case "--from-password" -> password = value;
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (from == null || !from.startsWith("jdbc:")) {
                throw new IllegalArgumentException("--from <jdbc-url> is required, e.g. "
                        + "jdbc:mariadb://legacy-host:3306/device_management");
            }
            return new Arguments(from, user, password);
        }
    }

    private LegacyImportCommand() {
    }

    /** Runs the import; returns the process exit code (0 done, 1 failed, 2 bad arguments). */
    public static int run(String[] args, DatabaseSettings roostDb, int snowflakeNode, PrintStream out,
                          PrintStream err) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        Properties login = new Properties();
        if (arguments.user() != null) {
            login.setProperty("user", arguments.user());
        }
        if (arguments.password() != null) {
            login.setProperty("password", arguments.password());
        }
        Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
        try (Database database = Database.open(roostDb);
             Connection legacy = DriverManager.getConnection(arguments.from(), login)) {
            legacy.setReadOnly(true);
            CountCache counts = new CountCache(Duration.ofSeconds(2), clock);
            LegacyImport importer = new LegacyImport(new JdbcDeviceStore(database, Json.newMapper(), counts),
                    new JdbcGroupStore(database, counts), Snowflake.create(snowflakeNode), clock);
            ImportReport report = importer.run(legacy);
            report.lines().forEach(out::println);
            return 0;
        } catch (SQLException e) {
            err.println("import-legacy failed: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.getLogger(LegacyImportCommand.class.getName()).log(System.Logger.Level.ERROR,
                    "import-legacy failed", e);
            err.println("import-legacy failed: " + e.getMessage());
            return 1;
        }
    }
}
