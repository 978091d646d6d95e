package dev.roost.server.northbound.grpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.proto.v1.DesiredState;
import dev.roost.proto.v1.DeviceStatus;
import dev.roost.proto.v1.GetDesiredStateRequest;
import dev.roost.proto.v1.GetStatusRequest;
import dev.roost.proto.v1.ListStatusHistoryRequest;
import dev.roost.proto.v1.ListStatusHistoryResponse;
import dev.roost.proto.v1.StatusServiceGrpc;
import dev.roost.proto.v1.UpdateDesiredStateRequest;
import dev.roost.proto.v1.WatchStatusRequest;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Json;
import dev.roost.server.common.Page;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventType;
import dev.roost.server.group.GroupService;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;
import dev.roost.server.status.DesiredStateService;
import dev.roost.server.status.StatusService;
import io.grpc.stub.StreamObserver;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** gRPC adapter of {@link StatusService} and {@link DesiredStateService}. */
public final class StatusGrpcService extends StatusServiceGrpc.StatusServiceImplBase {
    private final StatusService status;
    private final DesiredStateService desired;
    private final GroupService groups;
    private final EventBus events;
    private final JsonCodec json;

    public StatusGrpcService(StatusService status, DesiredStateService desired, GroupService groups, EventBus events,
                             JsonCodec json) {
        this.status = status;
        this.desired = desired;
        this.groups = groups;
        this.events = events;
        this.json = json;
    }

    @Override
    public void getStatus(GetStatusRequest request, StreamObserver<DeviceStatus> observer) {
        Unary.respond(observer, () -> status(status.get(GrpcAuthInterceptor.caller(),
                DeviceId.parse("device_id", request.getDeviceId()))));
    }

    @Override
    public void listStatusHistory(ListStatusHistoryRequest request,
                                  StreamObserver<ListStatusHistoryResponse> observer) {
        Unary.respond(observer, () -> {
            Page<dev.roost.server.status.DeviceStatus> page = status.history(GrpcAuthInterceptor.caller(),
                    DeviceId.parse("device_id", request.getDeviceId()), ProtoMapper.instant(request.getSinceMs()),
                    ProtoMapper.instant(request.getUntilMs()), ProtoMapper.page(request.getPage()));
            return ListStatusHistoryResponse.newBuilder()
                    .addAllEntries(page.items().stream().map(this::status).toList())
                    .setPage(ProtoMapper.pageInfo(page))
                    .build();
        });
    }

    @Override
    public void watchStatus(WatchStatusRequest request, StreamObserver<DeviceStatus> observer) {
        Caller caller = GrpcAuthInterceptor.caller();
        caller.require(Role.VIEWER);
        Set<DeviceId> devices = new HashSet<>(ProtoMapper.deviceIds("device_ids", request.getDeviceIdsList()));
        if (!request.getGroupId().isEmpty()) {
            devices.addAll(GroupMembers.all(groups, caller, GroupId.parse("group_id", request.getGroupId())));
        }
        boolean all = request.getDeviceIdsList().isEmpty() && request.getGroupId().isEmpty();
        WatchStreams.pump(events.subscribe(event -> event.type() == EventType.STATUS
                        && (all || devices.contains(event.deviceId())), EventGrpcService.WATCH_BUFFER), observer,
                event -> Optional.of(status(status.get(caller, event.deviceId()))));
    }

    @Override
    public void getDesiredState(GetDesiredStateRequest request, StreamObserver<DesiredState> observer) {
        Unary.respond(observer, () -> desired(desired.get(GrpcAuthInterceptor.caller(),
                DeviceId.parse("device_id", request.getDeviceId()))));
    }

    @Override
    public void updateDesiredState(UpdateDesiredStateRequest request, StreamObserver<DesiredState> observer) {
        Unary.respond(observer, () -> {
            ObjectNode patch = json.object("patch_json", request.getPatchJson());
            return desired(desired.update(GrpcAuthInterceptor.caller(),
                    DeviceId.parse("device_id", request.getDeviceId()), patch, request.getExpectedVersion()));
        });
    }

    private DeviceStatus status(dev.roost.server.status.DeviceStatus status) {
        return DeviceStatus.newBuilder()
                .setDeviceId(status.deviceId().toString())
                .setOnline(status.online())
                .setReportedVersion(status.reportedVersion())
                .setReportedJson(Json.text(status.reported()))
                .setReportedAtMs(ProtoMapper.millis(status.reportedAt()))
                .setLastSeenAtMs(ProtoMapper.millis(status.lastSeenAt()))
                .build();
    }

    private static DesiredState desired(dev.roost.server.status.DesiredState state) {
        return DesiredState.newBuilder()
                .setDeviceId(state.deviceId().toString())
                .setVersion(state.version())
                .setDesiredJson(Json.text(state.desired()))
                .setAppliedVersion(state.appliedVersion())
                .setErrorsJson(Json.text(state.errors()))
                .setUpdatedAtMs(ProtoMapper.millis(state.updatedAt()))
                .build();
    }
}
