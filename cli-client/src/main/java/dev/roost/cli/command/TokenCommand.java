package dev.roost.cli.command;

import dev.roost.cli.connect.Connection;
import dev.roost.cli.output.AccessViews;
import dev.roost.cli.output.AccessViews.CreatedTokenView;
import dev.roost.cli.output.Column;
import dev.roost.cli.output.Listing;
import dev.roost.proto.v1.AccessServiceGrpc;
import dev.roost.proto.v1.AccessServiceGrpc.AccessServiceBlockingStub;
import dev.roost.proto.v1.CreateTokenRequest;
import dev.roost.proto.v1.ListTokensRequest;
import dev.roost.proto.v1.RevokeTokenRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** {@code roost token ...}: API tokens (AccessService). */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Create, list and revoke API tokens.",
        footer = {"", "Example: roost token create dashboard --role viewer"})
final class TokenCommand {
    static final List<Column> COLUMNS = List.of(Column.of("id"), Column.of("name"), Column.of("role"),
            new Column("USER", "user_id"), new Column("CREATED", "created_at"), new Column("EXPIRES", "expires_at"),
            new Column("REVOKED", "revoked_at"));

    @ParentCommand
    RoostCommand root;

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a token; its secret is shown only this once.",
                    "Admins create tokens of any role; others only for themselves, at most their own role."},
            footer = {"", "Example: roost token create dashboard --role viewer --ttl 30d"})
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--role", required = true, paramLabel = "ROLE",
                       description = "${COMPLETION-CANDIDATES}.") Choices.RoleChoice role,
               @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
                       description = "Lifetime, e.g. 12h or 90d (default: never expires).") Duration ttl) {
        CreateTokenRequest request = CreateTokenRequest.newBuilder().setName(name).setRole(role.role)
                .setTtlSeconds(ttl == null ? 0 : Math.max(1, ttl.toSeconds())).build();
        CreatedTokenView created = AccessViews.created(call(stub -> stub.createToken(request)));
        root.output().done("created token " + created.token().id() + " (" + name + ", " + created.token().role()
                + ")\nsecret: " + created.secret() + "\n(the secret is shown only this once)", created);
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List tokens: all of them for admins, your own otherwise.",
            footer = {"", "Example: roost token list --include-revoked"})
    int list(@Option(names = "--include-revoked") boolean includeRevoked) {
        ListTokensRequest request = ListTokensRequest.newBuilder().setIncludeRevoked(includeRevoked).build();
        root.output().list(Listing.of(call(stub -> stub.listTokens(request)).getTokensList().stream()
                .map(AccessViews::token).toList()), COLUMNS);
        return 0;
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token. Idempotent.",
            footer = {"", "Example: roost token revoke 384141802231603200"})
    int revoke(@Parameters(paramLabel = "ID") String id) {
        RevokeTokenRequest request = RevokeTokenRequest.newBuilder().setId(Args.id("ID", id)).build();
        call(stub -> stub.revokeToken(request));
        root.output().done("revoked token " + id, new Revoked(id, true));
        return 0;
    }

    /** The JSON/YAML answer to a revoke. */
    record Revoked(String id, boolean revoked) {
    }

    private <T> T call(Function<AccessServiceBlockingStub, T> call) {
        try (Connection connection = root.connect()) {
            return call.apply(connection.stub(AccessServiceGrpc::newBlockingStub));
        }
    }
}
