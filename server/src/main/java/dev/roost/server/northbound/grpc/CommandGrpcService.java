package dev.roost.server.northbound.grpc;

import dev.roost.proto.v1.CancelCommandRequest;
import dev.roost.proto.v1.Command;
import dev.roost.proto.v1.CommandServiceGrpc;
import dev.roost.proto.v1.GetCommandRequest;
import dev.roost.proto.v1.GetGroupCommandRequest;
import dev.roost.proto.v1.GroupCommand;
import dev.roost.proto.v1.ListCommandsRequest;
import dev.roost.proto.v1.ListCommandsResponse;
import dev.roost.proto.v1.SendCommandRequest;
import dev.roost.proto.v1.SendGroupCommandRequest;
import dev.roost.proto.v1.WatchCommandsRequest;
import dev.roost.server.command.CommandFilter;
import dev.roost.server.command.CommandId;
import dev.roost.server.command.CommandService;
import dev.roost.server.command.CommandState;
import dev.roost.server.command.GroupCommandId;
import dev.roost.server.command.NewCommand;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Json;
import dev.roost.server.common.Page;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventDetail.CommandDetail;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** gRPC adapter of {@link CommandService}. */
public final class CommandGrpcService extends CommandServiceGrpc.CommandServiceImplBase {
    private final CommandService commands;
    private final EventBus events;
    private final JsonCodec json;

    public CommandGrpcService(CommandService commands, EventBus events, JsonCodec json) {
        this.commands = commands;
        this.events = events;
        this.json = json;
    }

    @Override
    public void sendCommand(SendCommandRequest request, StreamObserver<Command> observer) {
        Unary.respond(observer, () -> {
            Caller caller = GrpcAuthInterceptor.caller();
            NewCommand command = new NewCommand(request.getName(), json.object("params_json", request.getParamsJson()),
                    timeout(request.getTimeoutMs()), deadline(request.getDeliveryDeadlineMs()),
                    Optional.of(request.getIdempotencyKey()));
            return command(commands.sendAndWait(caller, DeviceId.parse("device_id", request.getDeviceId()), command,
                    waitFor(request.getWaitTimeoutMs())));
        });
    }

    @Override
    public void sendGroupCommand(SendGroupCommandRequest request, StreamObserver<GroupCommand> observer) {
        Unary.respond(observer, () -> group(commands.sendToGroup(GrpcAuthInterceptor.caller(),
                GroupId.parse("group_id", request.getGroupId()),
                new NewCommand(request.getName(), json.object("params_json", request.getParamsJson()),
                        timeout(request.getTimeoutMs()), deadline(request.getDeliveryDeadlineMs()),
                        Optional.of(request.getIdempotencyKey())))));
    }

    @Override
    public void getCommand(GetCommandRequest request, StreamObserver<Command> observer) {
        Unary.respond(observer, () -> command(commands.get(GrpcAuthInterceptor.caller(),
                CommandId.parse("id", request.getId()), waitFor(request.getWaitTimeoutMs()))));
    }

    @Override
    public void getGroupCommand(GetGroupCommandRequest request, StreamObserver<GroupCommand> observer) {
        Unary.respond(observer, () -> group(commands.getGroup(GrpcAuthInterceptor.caller(),
                GroupCommandId.parse("id", request.getId()))));
    }

    @Override
    public void listCommands(ListCommandsRequest request, StreamObserver<ListCommandsResponse> observer) {
        Unary.respond(observer, () -> {
            Set<CommandState> states = EnumSet.noneOf(CommandState.class);
            for (dev.roost.proto.v1.CommandState state : request.getStatesList()) {
                states.add(state(state));
            }
            CommandFilter filter = new CommandFilter(
                    request.getDeviceId().isEmpty() ? Optional.empty()
                            : Optional.of(DeviceId.parse("device_id", request.getDeviceId())),
                    request.getGroupCommandId().isEmpty() ? Optional.empty()
                            : Optional.of(GroupCommandId.parse("group_command_id", request.getGroupCommandId())),
                    states);
            Page<dev.roost.server.command.Command> page = commands.list(GrpcAuthInterceptor.caller(), filter,
                    ProtoMapper.page(request.getPage()));
            return ListCommandsResponse.newBuilder()
                    .addAllCommands(page.items().stream().map(this::command).toList())
                    .setPage(ProtoMapper.pageInfo(page))
                    .build();
        });
    }

    @Override
    public void cancelCommand(CancelCommandRequest request, StreamObserver<Command> observer) {
        Unary.respond(observer, () -> command(commands.cancel(GrpcAuthInterceptor.caller(),
                CommandId.parse("id", request.getId()), request.getReason())));
    }

    @Override
    public void watchCommands(WatchCommandsRequest request, StreamObserver<Command> observer) {
        Caller caller = GrpcAuthInterceptor.caller();
        caller.require(Role.VIEWER);
        Optional<DeviceId> device = request.getDeviceId().isEmpty() ? Optional.empty()
                : Optional.of(DeviceId.parse("device_id", request.getDeviceId()));
        Optional<GroupCommandId> group = request.getGroupCommandId().isEmpty() ? Optional.empty()
                : Optional.of(GroupCommandId.parse("group_command_id", request.getGroupCommandId()));
        WatchStreams.pump(events.subscribe(event -> event.detail() instanceof CommandDetail detail
                        && device.map(event.deviceId()::equals).orElse(true)
                        && group.map(id -> detail.inGroupCommand(id.value())).orElse(true),
                EventGrpcService.WATCH_BUFFER), observer, CommandGrpcService::transition);
    }

    /**
     * A command as one of its transitions shows it: what the event carries, without reading the
     * command again (a watch of a group command would read each member's command per transition).
     */
    private static Optional<Command> transition(DeviceEvent event) {
        if (!(event.detail() instanceof CommandDetail detail)) {
            return Optional.empty();
        }
        dev.roost.proto.v1.CommandState state;
        try {
            state = dev.roost.proto.v1.CommandState.valueOf(detail.state());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        boolean isFinal = CommandState.valueOf(detail.state()).isFinal();
        return Optional.of(Command.newBuilder()
                .setId(Long.toString(detail.commandId()))
                .setDeviceId(event.deviceId().toString())
                .setName(detail.name())
                .setState(state)
                // A final transition's reason is the command's error message (as GetCommand shows it).
                .setErrorMessage(isFinal ? event.reason() : "")
                .setGroupCommandId(detail.groupCommandId() == 0 ? "" : Long.toString(detail.groupCommandId()))
                .setUpdatedAtMs(event.at().toEpochMilli())
                .build());
    }

    private Command command(dev.roost.server.command.Command command) {
        return Command.newBuilder()
                .setId(command.id().toString())
                .setDeviceId(command.deviceId().toString())
                .setName(command.name())
                .setParamsJson(Json.text(command.params()))
                .setState(dev.roost.proto.v1.CommandState.valueOf(command.state().name()))
                .setResultJson(command.state().isFinal() ? Json.text(command.result()) : "")
                .setDeviceStatusCode(command.deviceStatusCode())
                .setErrorMessage(command.errorMessage())
                .setIdempotencyKey(command.idempotencyKey().orElse(""))
                .setGroupCommandId(command.groupCommandId().map(GroupCommandId::toString).orElse(""))
                .setCreatedAtMs(command.createdAt().toEpochMilli())
                .setUpdatedAtMs(command.updatedAt().toEpochMilli())
                .setTimeoutMs(command.timeout().toMillis())
                .setDeliveryDeadlineMs(command.deliveryDeadline().toEpochMilli())
                .build();
    }

    private static GroupCommand group(dev.roost.server.command.GroupCommand group) {
        GroupCommand.Builder builder = GroupCommand.newBuilder()
                .setId(group.id().toString())
                .setGroupId(group.groupId().toString())
                .setName(group.name())
                .setTotal(group.total())
                .setCreatedAtMs(group.createdAt().toEpochMilli());
        group.countsByState().forEach((state, count) -> builder.putCountsByState(state.name(), count));
        return builder.build();
    }

    private static CommandState state(dev.roost.proto.v1.CommandState state) {
        if (state == dev.roost.proto.v1.CommandState.COMMAND_STATE_UNSPECIFIED
                || state == dev.roost.proto.v1.CommandState.UNRECOGNIZED) {
            throw RoostException.invalid("states", "must be a known command state");
        }
        return CommandState.valueOf(state.name());
    }

    private static Optional<Duration> timeout(long millis) {
        if (millis < 0) {
            throw RoostException.invalid("timeout_ms", "must not be negative");
        }
        return millis == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
    }

    private static Optional<Instant> deadline(long millis) {
        if (millis < 0) {
            throw RoostException.invalid("delivery_deadline_ms", "must not be negative");
        }
        return millis == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    private static Duration waitFor(long millis) {
        if (millis < 0) {
            throw RoostException.invalid("wait_timeout_ms", "must not be negative");
        }
        return Duration.ofMillis(millis);
    }
}
