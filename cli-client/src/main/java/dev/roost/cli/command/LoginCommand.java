package dev.roost.cli.command;

import dev.roost.cli.connect.ConfigFile;
import dev.roost.cli.connect.Connection;
import dev.roost.cli.connect.ContextEntry;
import dev.roost.cli.connect.Target;
import dev.roost.cli.output.AccessViews;
import dev.roost.cli.output.AccessViews.CreatedTokenView;
import dev.roost.proto.v1.AccessServiceGrpc;
import dev.roost.proto.v1.CreateTokenResponse;
import dev.roost.proto.v1.LoginRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code roost login}: trades a user name and password for a token and keeps it in a context of the
 * config file, so that later commands need no {@code --token}.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Log in with a user name and password (asked on the terminal, or read from stdin).",
                "The token is saved in the current context of the config file (created as 'default' if there is "
                        + "none) together with the server, and that context becomes current."},
        footer = {"", "Example: roost --server roost.example:9090 login alice",
                "         echo \"$PASSWORD\" | roost login alice --password-stdin --save-as prod --ttl 8h"})
final class LoginCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    RoostCommand root;

    @Parameters(paramLabel = "USERNAME")
    String username;

    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
    boolean passwordStdin;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Lifetime of the token (server default 12h).")
    Duration ttl;

    @Option(names = "--save-as", paramLabel = "CONTEXT", description = "Save the token in this context.")
    String saveAs;

    @Option(names = "--no-save", description = "Only print the token; change no file.")
    boolean noSave;

    @Override
    public Integer call() {
        if (noSave && saveAs != null) {
            throw Args.usage("give --save-as or --no-save, not both");
        }
        Target target = root.target();
        String password = root.password(passwordStdin, "Password for " + username + ": ");
        LoginRequest request = LoginRequest.newBuilder().setUsername(username).setPassword(password)
                .setTtlSeconds(ttl == null ? 0 : Math.max(1, ttl.toSeconds())).build();
        Target anonymous = new Target(target.server(), Optional.empty(), target.tls(), target.caCert(), target.context());
        CreateTokenResponse response;
        try (Connection connection = Connection.open(anonymous, root.timeout(), root.env().deadlines())) {
            response = connection.stub(AccessServiceGrpc::newBlockingStub).login(request);
        }
        CreatedTokenView token = AccessViews.created(response);
        String who = "logged in as " + username + " (" + token.token().role() + ", token " + token.token().id()
                + (token.token().expiresAt() == null ? "" : ", expires " + token.token().expiresAt()) + ")";
        if (noSave) {
            root.output().done(who + "\ntoken: " + token.secret(), token);
            return 0;
        }
        Path file = Target.configPath(root.flags(), root.env());
        ConfigFile config = ConfigFile.load(file);
        String name = saveAs != null ? saveAs : Target.contextName(root.flags(), root.env(), config).orElse("default");
        ContextEntry entry = config.context(name).orElse(ContextEntry.EMPTY).merge(new ContextEntry(
                target.server().toString(), token.secret(), target.tls() ? Boolean.TRUE : null,
                target.caCert().map(Path::toString).orElse(null)));
        config.withContext(name, entry).withCurrent(name).save(file);
        root.output().done(who + "\ntoken saved in context '" + name + "' of " + file,
                new Saved(token.token(), name, file.toString()));
        return 0;
    }

    /** The JSON/YAML answer of a login whose token went to the config file. */
    record Saved(AccessViews.TokenView token, String context, String configFile) {
    }
}
