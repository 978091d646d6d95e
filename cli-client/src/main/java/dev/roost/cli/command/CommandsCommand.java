package dev.roost.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.cli.ExitCodes;
import dev.roost.cli.connect.Connection;
import dev.roost.cli.output.Column;
import dev.roost.cli.output.CommandViews;
import dev.roost.cli.output.CommandViews.CommandView;
import dev.roost.cli.output.Output;
import dev.roost.proto.v1.CancelCommandRequest;
import dev.roost.proto.v1.Command;
import dev.roost.proto.v1.CommandServiceGrpc;
import dev.roost.proto.v1.CommandServiceGrpc.CommandServiceBlockingStub;
import dev.roost.proto.v1.GetCommandRequest;
import dev.roost.proto.v1.GetGroupCommandRequest;
import dev.roost.proto.v1.ListCommandsRequest;
import dev.roost.proto.v1.ListCommandsResponse;
import dev.roost.proto.v1.SendCommandRequest;
import dev.roost.proto.v1.SendGroupCommandRequest;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** {@code roost command ...}: cloud-to-device commands (CommandService). */
@CommandLine.Command(name = "command", mixinStandardHelpOptions = true,
        description = "Send commands to devices and groups and follow their results.",
        footer = {"", "Example: roost command send 384141731668426752 exec --params '{\"script\":\"uptime\"}' --wait"})
final class CommandsCommand {
    /** How much longer than the server-side wait the call's deadline is, for the answer to travel back. */
    static final Duration WAIT_MARGIN = Duration.ofSeconds(5);
    static final List<Column> COLUMNS = List.of(Column.of("id"), new Column("DEVICE", "device_id"), Column.of("name"),
            Column.of("state"), new Column("CODE", "device_status_code"), new Column("UPDATED", "updated_at"),
            Column.of("result"));

    @ParentCommand
    RoostCommand root;

    /** Options of a command's delivery, shared by send and send-to-group. */
    static final class Delivery {
        @Option(names = "--params", paramLabel = "JSON", converter = JsonObjectConverter.class,
                description = "Parameters as a JSON object, e.g. '{\"script\":\"uptime\"}'.")
        ObjectNode params;

        @Option(names = "--command-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How long the device may take once the command is delivered (server default 30s).")
        Duration commandTimeout;

        @Option(names = "--deliver-within", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Expire the command if it is not delivered within this time (server default 24h).")
        Duration deliverWithin;

        @Option(names = "--idempotency-key", paramLabel = "KEY",
                description = "Sending again with the same key returns the first command instead of a new one.")
        String idempotencyKey;

        String paramsJson() {
            return params == null ? "{}" : params.toString();
        }

        long timeoutMs() {
            return commandTimeout == null ? 0 : commandTimeout.toMillis();
        }

        long deadlineMs() {
            return deliverWithin == null ? 0 : Instant.now().plus(deliverWithin).toEpochMilli();
        }

        String key() {
            return idempotencyKey == null ? "" : idempotencyKey;
        }
    }

    @CommandLine.Command(name = "send", mixinStandardHelpOptions = true,
            description = {"Send a command to a device. It is queued while the device is offline.",
                    "With --wait, waits up to --timeout for a final state; the exit status then tells the outcome: "
                            + "0 SUCCEEDED, 1 FAILED/CANCELLED/EXPIRED, 4 TIMED_OUT or still running."},
            footer = {"", "Example: roost command send 384141731668426752 exec --params '{\"script\":\"uptime\"}' "
                    + "--wait --timeout 1m"})
    int send(@Parameters(index = "0", paramLabel = "DEVICE_ID") String device,
             @Parameters(index = "1", paramLabel = "NAME",
                     description = "reboot, upload_log, exec, get_config or a custom handler's name.") String name,
             @Mixin Delivery delivery,
             @Option(names = "--wait", description = "Wait for the command to finish.") boolean wait) {
        SendCommandRequest.Builder request = SendCommandRequest.newBuilder().setDeviceId(Args.id("DEVICE_ID", device))
                .setName(name).setParamsJson(delivery.paramsJson()).setTimeoutMs(delivery.timeoutMs())
                .setDeliveryDeadlineMs(delivery.deadlineMs()).setIdempotencyKey(delivery.key());
        if (wait) {
            request.setWaitTimeoutMs(root.timeout().toMillis());
        }
        Command command = call(wait, stub -> stub.sendCommand(request.build()));
        return show(CommandViews.command(command), wait, "sent command " + command.getId() + " (" + name + ") to device "
                + device + ": " + command.getState());
    }

    @CommandLine.Command(name = "send-to-group", mixinStandardHelpOptions = true,
            description = "Send a command to every member of a group; prints the group command's progress.",
            footer = {"", "Example: roost command send-to-group 384141756217688064 reboot --deliver-within 2h"})
    int sendToGroup(@Parameters(index = "0", paramLabel = "GROUP_ID") String group,
                    @Parameters(index = "1", paramLabel = "NAME") String name,
                    @Mixin Delivery delivery) {
        SendGroupCommandRequest request = SendGroupCommandRequest.newBuilder().setGroupId(Args.id("GROUP_ID", group))
                .setName(name).setParamsJson(delivery.paramsJson()).setTimeoutMs(delivery.timeoutMs())
                .setDeliveryDeadlineMs(delivery.deadlineMs()).setIdempotencyKey(delivery.key()).build();
        root.output().item(CommandViews.groupCommand(call(false, stub -> stub.sendGroupCommand(request))));
        return 0;
    }

    @CommandLine.Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Show a command with its state and result.",
                    "With --wait, first waits up to --timeout for a final state (exit status as for send --wait)."},
            footer = {"", "Example: roost command get 384141790013124608 --wait"})
    int get(@Parameters(paramLabel = "ID") String id,
            @Option(names = "--wait", description = "Wait for the command to finish.") boolean wait) {
        GetCommandRequest request = GetCommandRequest.newBuilder().setId(Args.id("ID", id))
                .setWaitTimeoutMs(wait ? root.timeout().toMillis() : 0).build();
        return show(CommandViews.command(call(wait, stub -> stub.getCommand(request))), wait, null);
    }

    @CommandLine.Command(name = "get-group", mixinStandardHelpOptions = true,
            description = "Show a group command's progress: its members' commands counted by state.",
            footer = {"", "Example: roost command get-group 384141790013124610"})
    int getGroup(@Parameters(paramLabel = "ID") String id) {
        GetGroupCommandRequest request = GetGroupCommandRequest.newBuilder().setId(Args.id("ID", id)).build();
        root.output().item(CommandViews.groupCommand(call(false, stub -> stub.getGroupCommand(request))));
        return 0;
    }

    @CommandLine.Command(name = "list", mixinStandardHelpOptions = true, description = "List commands, newest first.",
            footer = {"", "Example: roost command list --device 384141731668426752 --state failed,timed_out"})
    int list(@Option(names = "--device", paramLabel = "DEVICE_ID") String device,
             @Option(names = "--group-command", paramLabel = "ID",
                     description = "The members' commands of this group command.") String groupCommand,
             @Option(names = "--state", split = ",", paramLabel = "STATE",
                     description = "Any of: ${COMPLETION-CANDIDATES}.") List<Choices.CommandStateChoice> states,
             @Mixin PageOptions paging) {
        ListCommandsRequest.Builder request = ListCommandsRequest.newBuilder();
        if (device != null) {
            request.setDeviceId(Args.id("--device", device));
        }
        if (groupCommand != null) {
            request.setGroupCommandId(Args.id("--group-command", groupCommand));
        }
        if (states != null) {
            states.forEach(state -> request.addStates(state.state));
        }
        try (Connection connection = root.connect()) {
            root.output().list(paging.fetch(page -> {
                ListCommandsResponse response = connection.stub(CommandServiceGrpc::newBlockingStub)
                        .listCommands(request.setPage(page).build());
                return new PageOptions.Page<>(response.getCommandsList(), response.getPage());
            }, CommandViews::command), COLUMNS);
        }
        return 0;
    }

    @CommandLine.Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a command that is still queued or sent.",
            footer = {"", "Example: roost command cancel 384141790013124608 --reason 'wrong device'"})
    int cancel(@Parameters(paramLabel = "ID") String id, @Option(names = "--reason", paramLabel = "TEXT") String reason) {
        CancelCommandRequest.Builder request = CancelCommandRequest.newBuilder().setId(Args.id("ID", id));
        if (reason != null) {
            request.setReason(reason);
        }
        CommandView command = CommandViews.command(call(false, stub -> stub.cancelCommand(request.build())));
        root.output().done("command " + command.id() + " is " + command.state(), command);
        return 0;
    }

    /** Prints the command; after a wait, the exit status tells its outcome. */
    private int show(CommandView command, boolean waited, String sentence) {
        Output output = root.output();
        if (sentence == null || waited) {
            output.item(command);
        } else {
            output.done(sentence, command);
        }
        if (!waited) {
            return ExitCodes.OK;
        }
        return switch (command.state()) {
            case "SUCCEEDED" -> ExitCodes.OK;
            case "FAILED", "CANCELLED", "EXPIRED" -> {
                output.hint("command " + command.id() + " " + command.state());
                yield ExitCodes.FAILED;
            }
            case "TIMED_OUT" -> {
                output.hint("command " + command.id() + " TIMED_OUT: the device did not answer in time");
                yield ExitCodes.UNAVAILABLE;
            }
            default -> {
                output.hint("command " + command.id() + " is still " + command.state() + " after waiting "
                        + root.timeout().toSeconds() + "s; follow it with 'roost command get " + command.id() + " --wait'");
                yield ExitCodes.UNAVAILABLE;
            }
        };
    }

    /** A call with the usual deadline, or one a bit longer than the server-side wait. */
    private <T> T call(boolean waits, Function<CommandServiceBlockingStub, T> call) {
        try (Connection connection = root.connect()) {
            Duration deadline = waits ? root.timeout().plus(WAIT_MARGIN) : root.timeout();
            return call.apply(connection.stub(CommandServiceGrpc::newBlockingStub, deadline));
        }
    }
}
