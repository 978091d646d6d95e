package dev.roost.cli.connect;

import dev.roost.cli.CliException;
import dev.roost.cli.Environment;
import dev.roost.cli.ExitCodes;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The server one invocation talks to and how. Each setting comes from the first of: the flag, the
 * environment variable, the selected context of the config file, the default.
 *
 * @param context the config context that was used, if any
 */
public record Target(ServerAddress server, Optional<String> token, boolean tls, Optional<Path> caCert,
                     Optional<String> context) {
    public static final String SERVER_VARIABLE = "ROOST_SERVER";
    public static final String TOKEN_VARIABLE = "ROOST_TOKEN";
    public static final String CONFIG_VARIABLE = "ROOST_CONFIG";
    public static final String CONTEXT_VARIABLE = "ROOST_CONTEXT";

    /** The config file: {@code --config}, else ROOST_CONFIG, else ~/.config/roost/config.yaml. */
    public static Path configPath(ConnectionFlags flags, Environment env) {
        if (flags.config() != null) {
            return flags.config();
        }
        return env.variable(CONFIG_VARIABLE).map(Path::of)
                .orElseGet(() -> env.home().resolve(".config").resolve("roost").resolve("config.yaml"));
    }

    /** The context to use: {@code --context}, else ROOST_CONTEXT, else the file's current context. */
    public static Optional<String> contextName(ConnectionFlags flags, Environment env, ConfigFile config) {
        if (flags.context() != null) {
            return Optional.of(flags.context());
        }
        return env.variable(CONTEXT_VARIABLE).or(config::current);
    }

    public static Target resolve(ConnectionFlags flags, Environment env) {
        Path file = configPath(flags, env);
        ConfigFile config = ConfigFile.load(file);
        Optional<String> name = contextName(flags, env, config);
        ContextEntry context = name.map(n -> config.context(n).orElseThrow(() -> new CliException(ExitCodes.USAGE,
                "there is no context named '" + n + "' in " + file + " (see 'roost config get-contexts')")))
                .orElse(ContextEntry.EMPTY);

        String serverText = first(flags.server(), env.variable(SERVER_VARIABLE), context.server());
        ServerAddress server = serverText == null ? ServerAddress.DEFAULT : ServerAddress.parse(serverText)
                .orElseThrow(() -> new CliException(ExitCodes.USAGE,
                        "server '" + serverText + "' is not host:port (e.g. localhost:9090)"));
        String token = first(flags.token(), env.variable(TOKEN_VARIABLE), context.token());
        Path caCert = flags.caCert() != null ? flags.caCert()
                : context.caCert() == null ? null : Path.of(context.caCert());
        boolean tls = flags.tls() != null ? flags.tls()
                : flags.caCert() != null || (context.tls() != null ? context.tls() : caCert != null);
        return new Target(server, Optional.ofNullable(token).filter(t -> !t.isBlank()), tls,
                Optional.ofNullable(caCert), name);
    }

    private static String first(String flag, Optional<String> variable, String fromContext) {
        return flag != null ? flag : variable.orElse(fromContext);
    }
}
