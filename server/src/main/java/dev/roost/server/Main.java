package dev.roost.server;

import dev.roost.server.config.InvalidConfigException;
import dev.roost.server.legacyimport.LegacyImportCommand;
import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;

import java.util.Arrays;

/**
 * Starts the Roost server from application.yaml and environment overrides; with the first argument
 * {@code import-legacy}, imports a legacy database instead (docs/operations.md).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        ServerSettings settings;
        try {
            settings = ServerSettings.create(config.get("roost"));
        } catch (InvalidConfigException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (args.length > 0 && args[0].equals("import-legacy")) {
            System.exit(LegacyImportCommand.run(Arrays.copyOfRange(args, 1, args.length), settings.db(),
                    settings.nodeId(), System.out, System.err));
            return;
        }
        RoostServer server;
        try {
            server = RoostServer.start(config.get("server"), settings);
        } catch (RuntimeException e) {
            System.getLogger(Main.class.getName()).log(System.Logger.Level.ERROR, "Roost failed to start", e);
            System.err.println("Roost failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "roost-shutdown"));
        server.generatedAdminToken().ifPresent(Main::announceAdminToken);
        System.getLogger(Main.class.getName()).log(System.Logger.Level.INFO,
                "Roost is listening on port {0} (REST /api/v1, gRPC roost.v1, /observe/health)",
                String.valueOf(server.port()));
    }

    /** Shown once, on the console only (never through the logger), so it stays out of log files. */
    private static void announceAdminToken(String token) {
        System.out.println("""

                ================================================================
                 Initial admin token (shown once; store it now):
                   %s
                 Use it as:  Authorization: Bearer <token>
                ================================================================
                """.formatted(token));
    }
}
