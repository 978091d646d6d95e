package dev.roost.cli.command;

import dev.roost.proto.v1.CommandState;
import dev.roost.proto.v1.DeviceState;
import dev.roost.proto.v1.Role;

/** The enumerated values users type, in lower case, mapped to the API's enums. */
final class Choices {
    private Choices() {
    }

    enum RoleChoice {
        viewer(Role.VIEWER), operator(Role.OPERATOR), admin(Role.ADMIN);

        final Role role;

        RoleChoice(Role role) {
            this.role = role;
        }
    }

    enum DeviceStateChoice {
        registered(DeviceState.REGISTERED), online(DeviceState.ONLINE), offline(DeviceState.OFFLINE),
        disabled(DeviceState.DISABLED), decommissioned(DeviceState.DECOMMISSIONED);

        final DeviceState state;

        DeviceStateChoice(DeviceState state) {
            this.state = state;
        }
    }

    enum CommandStateChoice {
        queued(CommandState.QUEUED), sent(CommandState.SENT), acked(CommandState.ACKED),
        succeeded(CommandState.SUCCEEDED), failed(CommandState.FAILED), timed_out(CommandState.TIMED_OUT),
        expired(CommandState.EXPIRED), cancelled(CommandState.CANCELLED);

        final CommandState state;

        CommandStateChoice(CommandState state) {
            this.state = state;
        }
    }
}
