package dev.roost.cli.command;

import dev.roost.cli.CliException;
import dev.roost.cli.ExitCodes;
import dev.roost.cli.connect.ConfigFile;
import dev.roost.cli.connect.ContextEntry;
import dev.roost.cli.connect.ServerAddress;
import dev.roost.cli.connect.Target;
import dev.roost.cli.output.Column;
import dev.roost.cli.output.Listing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code roost config ...}: named contexts in the config file, like kubectl's. Sends nothing to a server. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Manage named contexts (server, token, TLS) in the config file: --config, else ROOST_CONFIG, "
                + "else ~/.config/roost/config.yaml.",
                "Precedence: flags, then ROOST_SERVER / ROOST_TOKEN, then the current context (or --context / ROOST_CONTEXT)."},
        footer = {"", "Example: roost config set-context lab --server lab.example:9090 --token \"$TOKEN\" --use"})
final class ConfigCommand {
    static final List<Column> COLUMNS = List.of(Column.of("current"), Column.of("name"), Column.of("server"),
            Column.of("tls"), new Column("CA CERT", "ca_cert"), Column.of("token"));

    @ParentCommand
    RoostCommand root;

    @Command(name = "set-context", mixinStandardHelpOptions = true,
            description = {"Create or change a context from the global flags --server, --token, --tls, --ca-cert.",
                    "Values not given stay as they were. The first context created becomes the current one."},
            footer = {"", "Example: roost config set-context lab --server lab.example:9090 --token \"$TOKEN\" --use"})
    int setContext(@Parameters(paramLabel = "NAME") String name,
                   @Option(names = "--use", description = "Also make it the current context.") boolean use) {
        if (root.server != null && ServerAddress.parse(root.server).isEmpty()) {
            throw Args.usage("--server: '" + root.server + "' is not host:port (e.g. localhost:9090)");
        }
        Path file = file();
        ConfigFile config = ConfigFile.load(file);
        ContextEntry entry = config.context(name).orElse(ContextEntry.EMPTY).merge(new ContextEntry(root.server,
                root.token, root.tls, root.caCert == null ? null : root.caCert.toAbsolutePath().toString()));
        ConfigFile changed = config.withContext(name, entry);
        if (use || config.current().isEmpty()) {
            changed = changed.withCurrent(name);
        }
        changed.save(file);
        root.output().done("context '" + name + "' saved in " + file
                + (name.equals(changed.currentContext()) ? " (current)" : ""), view(changed, name, entry));
        return 0;
    }

    @Command(name = "use-context", mixinStandardHelpOptions = true, description = "Make a context the current one.",
            footer = {"", "Example: roost config use-context prod"})
    int useContext(@Parameters(paramLabel = "NAME") String name) {
        Path file = file();
        ConfigFile config = ConfigFile.load(file);
        ContextEntry entry = config.context(name).orElseThrow(() -> missing(name, file));
        config.withCurrent(name).save(file);
        root.output().done("switched to context '" + name + "'", view(config.withCurrent(name), name, entry));
        return 0;
    }

    @Command(name = "get-contexts", mixinStandardHelpOptions = true,
            description = "List the contexts; tokens are not shown, only whether one is set.",
            footer = {"", "Example: roost config get-contexts"})
    int getContexts() {
        ConfigFile config = ConfigFile.load(file());
        root.output().list(Listing.of(config.contexts().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(entry -> view(config, entry.getKey(), entry.getValue())).toList()), COLUMNS);
        return 0;
    }

    @Command(name = "current-context", mixinStandardHelpOptions = true, description = "Print the current context's name.",
            footer = {"", "Example: roost config current-context"})
    int currentContext() {
        Path file = file();
        String name = ConfigFile.load(file).current().orElseThrow(() ->
                new CliException(ExitCodes.NOT_FOUND, "no current context in " + file));
        root.env().out().println(name);
        root.env().out().flush();
        return 0;
    }

    @Command(name = "delete-context", mixinStandardHelpOptions = true, description = "Remove a context.",
            footer = {"", "Example: roost config delete-context old-lab"})
    int deleteContext(@Parameters(paramLabel = "NAME") String name) {
        Path file = file();
        ConfigFile config = ConfigFile.load(file);
        config.context(name).orElseThrow(() -> missing(name, file));
        config.withoutContext(name).save(file);
        root.output().done("deleted context '" + name + "'", new Deleted(name, true));
        return 0;
    }

    /** A context as listed: the token itself is never printed. */
    record ContextView(boolean current, String name, String server, boolean tls, String caCert, String token) {
    }

    private static ContextView view(ConfigFile config, String name, ContextEntry entry) {
        return new ContextView(name.equals(config.currentContext()), name,
                entry.server() == null ? ServerAddress.DEFAULT.toString() : entry.server(),
                Boolean.TRUE.equals(entry.tls()) || entry.caCert() != null, entry.caCert(),
                entry.token() == null ? null : "(set)");
    }

    private Path file() {
        return Target.configPath(root.flags(), root.env());
    }

    private static CliException missing(String name, Path file) {
        return new CliException(ExitCodes.NOT_FOUND, "there is no context named '" + name + "' in " + file);
    }
}
