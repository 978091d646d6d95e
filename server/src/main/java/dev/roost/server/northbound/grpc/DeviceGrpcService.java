package dev.roost.server.northbound.grpc;

import dev.roost.proto.v1.Device;
import dev.roost.proto.v1.DeviceLifecycleRequest;
import dev.roost.proto.v1.DeviceServiceGrpc;
import dev.roost.proto.v1.GetDeviceRequest;
import dev.roost.proto.v1.ListDeviceEventsRequest;
import dev.roost.proto.v1.ListDeviceEventsResponse;
import dev.roost.proto.v1.ListDevicesRequest;
import dev.roost.proto.v1.ListDevicesResponse;
import dev.roost.proto.v1.RegisterDeviceRequest;
import dev.roost.proto.v1.RegisterDeviceResponse;
import dev.roost.proto.v1.RotateDeviceSecretRequest;
import dev.roost.proto.v1.RotateDeviceSecretResponse;
import dev.roost.proto.v1.UpdateDeviceRequest;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.device.DeviceFilter;
import dev.roost.server.device.DeviceService;
import dev.roost.server.device.DeviceUpdate;
import dev.roost.server.device.NewDevice;
import dev.roost.server.error.RoostException;
import io.grpc.stub.StreamObserver;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** gRPC adapter of {@link DeviceService}. */
public final class DeviceGrpcService extends DeviceServiceGrpc.DeviceServiceImplBase {
    private static final Set<String> UPDATABLE = Set.of("name", "type", "software_version", "software_updated_at_ms",
            "network_interfaces", "description", "labels");

    private final DeviceService devices;

    public DeviceGrpcService(DeviceService devices) {
        this.devices = devices;
    }

    @Override
    public void registerDevice(RegisterDeviceRequest request, StreamObserver<RegisterDeviceResponse> observer) {
        Unary.respond(observer, () -> {
            NewDevice device = new NewDevice(request.getName(), request.getType(),
                    request.hasHardware() ? ProtoMapper.hardware(request.getHardware()) : null,
                    request.getSoftwareVersion(), ProtoMapper.instant(request.getSoftwareUpdatedAtMs()),
                    ProtoMapper.nics(request.getNetworkInterfacesList()), request.getDescription(),
                    request.getLabelsMap(), Optional.of(request.getSecret()));
            DeviceService.Registration registration = devices.register(GrpcAuthInterceptor.caller(), device);
            return RegisterDeviceResponse.newBuilder()
                    .setDevice(ProtoMapper.device(registration.device()))
                    .setSecret(registration.secret())
                    .build();
        });
    }

    @Override
    public void getDevice(GetDeviceRequest request, StreamObserver<Device> observer) {
        Unary.respond(observer, () -> ProtoMapper.device(switch (request.getKeyCase()) {
            case ID -> devices.get(GrpcAuthInterceptor.caller(), DeviceId.parse("id", request.getId()));
            case HARDWARE -> devices.getByHardware(GrpcAuthInterceptor.caller(),
                    ProtoMapper.hardware(request.getHardware()));
            case KEY_NOT_SET -> throw RoostException.invalid("key", "give id or hardware");
        }));
    }

    @Override
    public void listDevices(ListDevicesRequest request, StreamObserver<ListDevicesResponse> observer) {
        Unary.respond(observer, () -> {
            Set<dev.roost.server.common.DeviceState> states = request.getStatesList().isEmpty()
                    ? Set.of()
                    : request.getStatesList().stream().map(ProtoMapper::state)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(dev.roost.server.common.DeviceState.class)));
            DeviceFilter filter = new DeviceFilter(states,
                    nonEmpty(request.getGroupId()).map(id -> GroupId.parse("group_id", id)),
                    request.getLabelsMap(), nonEmpty(request.getNamePrefix()), nonEmpty(request.getModelPrefix()));
            Page<dev.roost.server.device.Device> page = devices.list(GrpcAuthInterceptor.caller(), filter,
                    ProtoMapper.page(request.getPage()));
            return ListDevicesResponse.newBuilder()
                    .addAllDevices(page.items().stream().map(ProtoMapper::device).toList())
                    .setPage(ProtoMapper.pageInfo(page))
                    .build();
        });
    }

    @Override
    public void updateDevice(UpdateDeviceRequest request, StreamObserver<Device> observer) {
        Unary.respond(observer, () -> {
            List<String> mask = request.getUpdateMaskList();
            for (String field : mask) {
                if (!UPDATABLE.contains(field)) {
                    throw RoostException.invalid("update_mask", "'" + field + "' is not an updatable field; use one of "
                            + UPDATABLE.stream().sorted().toList());
                }
            }
            Predicate<String> replace = field -> mask.isEmpty() || mask.contains(field);
            DeviceUpdate update = new DeviceUpdate(
                    when(replace, "name", request.getName()),
                    when(replace, "type", request.getType()),
                    when(replace, "software_version", request.getSoftwareVersion()),
                    replace.test("software_updated_at_ms")
                            ? ProtoMapper.instant(request.getSoftwareUpdatedAtMs()) : Optional.empty(),
                    when(replace, "network_interfaces", ProtoMapper.nics(request.getNetworkInterfacesList())),
                    when(replace, "description", request.getDescription()),
                    when(replace, "labels", request.getLabelsMap()));
            return ProtoMapper.device(devices.update(GrpcAuthInterceptor.caller(), DeviceId.parse("id", request.getId()),
                    update));
        });
    }

    @Override
    public void disableDevice(DeviceLifecycleRequest request, StreamObserver<Device> observer) {
        Unary.respond(observer, () -> ProtoMapper.device(devices.disable(GrpcAuthInterceptor.caller(),
                DeviceId.parse("id", request.getId()), request.getReason())));
    }

    @Override
    public void enableDevice(DeviceLifecycleRequest request, StreamObserver<Device> observer) {
        Unary.respond(observer, () -> ProtoMapper.device(devices.enable(GrpcAuthInterceptor.caller(),
                DeviceId.parse("id", request.getId()), request.getReason())));
    }

    @Override
    public void decommissionDevice(DeviceLifecycleRequest request, StreamObserver<Device> observer) {
        Unary.respond(observer, () -> ProtoMapper.device(devices.decommission(GrpcAuthInterceptor.caller(),
                DeviceId.parse("id", request.getId()), request.getReason())));
    }

    @Override
    public void rotateDeviceSecret(RotateDeviceSecretRequest request,
                                   StreamObserver<RotateDeviceSecretResponse> observer) {
        Unary.respond(observer, () -> RotateDeviceSecretResponse.newBuilder()
                .setSecret(devices.rotateSecret(GrpcAuthInterceptor.caller(), DeviceId.parse("id", request.getId()),
                        Optional.of(request.getSecret())))
                .build());
    }

    @Override
    public void listDeviceEvents(ListDeviceEventsRequest request, StreamObserver<ListDeviceEventsResponse> observer) {
        Unary.respond(observer, () -> {
            Page<dev.roost.server.event.DeviceEvent> page = devices.events(GrpcAuthInterceptor.caller(),
                    DeviceId.parse("device_id", request.getDeviceId()), ProtoMapper.page(request.getPage()));
            return ListDeviceEventsResponse.newBuilder()
                    .addAllEvents(page.items().stream().map(ProtoMapper::event).toList())
                    .setPage(ProtoMapper.pageInfo(page))
                    .build();
        });
    }

    private static <T> Optional<T> when(Predicate<String> replace, String field, T value) {
        return replace.test(field) ? Optional.of(value) : Optional.empty();
    }

    private static Optional<String> nonEmpty(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
