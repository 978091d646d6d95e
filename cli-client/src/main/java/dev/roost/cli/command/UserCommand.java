package dev.roost.cli.command;

import dev.roost.cli.connect.Connection;
import dev.roost.cli.output.AccessViews;
import dev.roost.cli.output.AccessViews.UserView;
import dev.roost.cli.output.Column;
import dev.roost.cli.output.Listing;
import dev.roost.proto.v1.AccessServiceGrpc;
import dev.roost.proto.v1.AccessServiceGrpc.AccessServiceBlockingStub;
import dev.roost.proto.v1.CreateUserRequest;
import dev.roost.proto.v1.DeleteUserRequest;
import dev.roost.proto.v1.ListUsersRequest;
import dev.roost.proto.v1.UpdateUserRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.function.Function;

/** {@code roost user ...}: user accounts (AccessService, admin only). */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage users (admin role).",
        footer = {"", "Example: echo \"$PASSWORD\" | roost user create alice --role operator --password-stdin"})
final class UserCommand {
    static final List<Column> COLUMNS = List.of(Column.of("id"), Column.of("username"), Column.of("role"),
            Column.of("disabled"), new Column("CREATED", "created_at"));

    @ParentCommand
    RoostCommand root;

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a user. The password (at least 12 characters) is asked on the terminal, or read from stdin.",
            footer = {"", "Example: echo \"$PASSWORD\" | roost user create alice --role operator --password-stdin"})
    int create(@Parameters(paramLabel = "USERNAME") String username,
               @Option(names = "--role", required = true, paramLabel = "ROLE",
                       description = "${COMPLETION-CANDIDATES}.") Choices.RoleChoice role,
               @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
               boolean passwordStdin) {
        String password = root.password(passwordStdin, "Password for " + username + ": ");
        CreateUserRequest request = CreateUserRequest.newBuilder().setUsername(username).setPassword(password)
                .setRole(role.role).build();
        UserView user = AccessViews.user(call(stub -> stub.createUser(request)));
        root.output().done("created user " + user.id() + " (" + user.username() + ", " + user.role() + ")", user);
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.",
            footer = {"", "Example: roost user list -o yaml"})
    int list() {
        root.output().list(Listing.of(call(stub -> stub.listUsers(ListUsersRequest.getDefaultInstance()))
                .getUsersList().stream().map(AccessViews::user).toList()), COLUMNS);
        return 0;
    }

    /** --enable or --disable, at most one. */
    static final class Enablement {
        @Option(names = "--disable", required = true, description = "Disable the user (and so their tokens).")
        boolean disable;

        @Option(names = "--enable", required = true, description = "Enable the user again.")
        boolean enable;
    }

    /** Where a new password comes from, at most one. */
    static final class NewPassword {
        @Option(names = "--password-stdin", required = true, description = "Set the password read from stdin.")
        boolean stdin;

        @Option(names = "--prompt-password", required = true, description = "Set a password asked on the terminal.")
        boolean prompt;
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a user's role, password or enablement.",
            footer = {"", "Example: roost user update 384141802231603201 --role admin --disable"})
    int update(@Parameters(paramLabel = "ID") String id,
               @Option(names = "--role", paramLabel = "ROLE", description = "${COMPLETION-CANDIDATES}.")
               Choices.RoleChoice role,
               @ArgGroup(exclusive = true) Enablement enablement,
               @ArgGroup(exclusive = true) NewPassword newPassword) {
        UpdateUserRequest.Builder request = UpdateUserRequest.newBuilder().setId(Args.id("ID", id));
        if (role == null && enablement == null && newPassword == null) {
            throw Args.usage("nothing to update: give --role, --disable, --enable, --password-stdin or --prompt-password");
        }
        if (role != null) {
            request.setRole(role.role);
        }
        if (enablement != null) {
            request.setDisabled(enablement.disable);
        }
        if (newPassword != null) {
            request.setPassword(root.password(newPassword.stdin, "New password: "));
        }
        UserView user = AccessViews.user(call(stub -> stub.updateUser(request.build())));
        root.output().item(user);
        return 0;
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a user and revoke their tokens.",
            footer = {"", "Example: roost user delete 384141802231603201"})
    int delete(@Parameters(paramLabel = "ID") String id) {
        DeleteUserRequest request = DeleteUserRequest.newBuilder().setId(Args.id("ID", id)).build();
        call(stub -> stub.deleteUser(request));
        root.output().done("deleted user " + id, new Deleted(id, true));
        return 0;
    }

    private <T> T call(Function<AccessServiceBlockingStub, T> call) {
        try (Connection connection = root.connect()) {
            return call.apply(connection.stub(AccessServiceGrpc::newBlockingStub));
        }
    }
}
