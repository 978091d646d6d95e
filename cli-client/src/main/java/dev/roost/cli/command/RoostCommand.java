package dev.roost.cli.command;

import dev.roost.cli.CliException;
import dev.roost.cli.Environment;
import dev.roost.cli.ExitCodes;
import dev.roost.cli.connect.Connection;
import dev.roost.cli.connect.ConnectionFlags;
import dev.roost.cli.connect.Target;
import dev.roost.cli.output.Format;
import dev.roost.cli.output.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/** The root command: global options, shared by every subcommand wherever they appear on the line. */
@Command(name = "roost", mixinStandardHelpOptions = true, versionProvider = RoostCommand.Version.class,
        description = "Manage a Roost fleet: devices, groups, commands, status, events, users and tokens.",
        subcommands = {DeviceCommand.class, GroupCommand.class, CommandsCommand.class, StatusCommand.class,
                DesiredCommand.class, EventsCommand.class, TokenCommand.class, UserCommand.class,
                LogsCommand.class, LoginCommand.class, ServerCommand.class, ConfigCommand.class,
                CompletionCommand.class},
        footer = {"", "Connection settings come from the flags, else ROOST_SERVER / ROOST_TOKEN, else the current "
                + "context of ~/.config/roost/config.yaml (see 'roost config').",
                "Exit status: 0 ok, 1 failed, 2 usage error, 3 not found, 4 unavailable or timed out.",
                "", "Example: roost --server localhost:9090 --token \"$TOKEN\" device list"})
public final class RoostCommand {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            description = "The server's gRPC address (env ROOST_SERVER; default localhost:9090).")
    String server;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "Bearer token (env ROOST_TOKEN).")
    String token;

    @Option(names = "--context", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Use this context of the config file instead of the current one (env ROOST_CONTEXT).")
    String context;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Config file (env ROOST_CONFIG; default ~/.config/roost/config.yaml).")
    Path config;

    @Option(names = "--tls", scope = ScopeType.INHERIT, arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Connect with TLS (default: plaintext, unless the context says otherwise).")
    Boolean tls;

    @Option(names = "--ca-cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Trust this CA certificate (PEM); implies --tls.")
    Path caCert;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Deadline of each call, e.g. 10s, 2m (default 30s). Commands that wait on a device wait this long.")
    Duration timeout;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default table).")
    Format format;

    private final Environment env;

    public RoostCommand(Environment env) {
        this.env = env;
    }

    Environment env() {
        return env;
    }

    Output output() {
        return new Output(format == null ? Format.table : format, env.out(), env.err());
    }

    Duration timeout() {
        return timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    ConnectionFlags flags() {
        return new ConnectionFlags(server, token, tls, caCert, context, config);
    }

    Target target() {
        return Target.resolve(flags(), env);
    }

    /** Resolves the target and opens a channel; call only once the arguments are known to be valid. */
    Connection connect() {
        return Connection.open(target(), timeout(), env.deadlines());
    }

    /** The server address for messages; throws when the settings cannot be resolved. */
    public String describeServer() {
        return target().server().toString();
    }

    public boolean hasToken() {
        return target().token().isPresent();
    }

    /** A password from one line of stdin, or asked on the terminal. */
    String password(boolean fromStdin, String prompt) {
        String password;
        if (fromStdin) {
            try {
                password = env.stdin().readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (password == null) {
                throw new CliException(ExitCodes.USAGE, "--password-stdin: standard input is empty");
            }
        } else {
            password = env.prompt().read(prompt).map(String::new).orElseThrow(() -> new CliException(ExitCodes.USAGE,
                    "there is no terminal to ask for the password; pipe it in with --password-stdin"));
        }
        return password;
    }

    /** The CLI's version and the git commit it was built from, from version.properties (filled in by the build). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            java.util.Properties built = new java.util.Properties();
            try (java.io.InputStream in = RoostCommand.class.getResourceAsStream("/dev/roost/cli/version.properties")) {
                if (in != null) {
                    built.load(in);
                }
            } catch (java.io.IOException e) {
                // Stays empty: both values read "unknown".
            }
            return new String[] {"roost " + filled(built.getProperty("version")) + " (commit "
                    + filled(built.getProperty("commit")) + ")"};
        }

        private static String filled(String value) {
            return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value;
        }
    }
}
