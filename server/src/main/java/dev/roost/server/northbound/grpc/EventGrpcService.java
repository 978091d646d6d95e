package dev.roost.server.northbound.grpc;

import dev.roost.proto.v1.EventFilter;
import dev.roost.proto.v1.EventServiceGrpc;
import dev.roost.proto.v1.ListEventsRequest;
import dev.roost.proto.v1.ListEventsResponse;
import dev.roost.proto.v1.WatchEventsRequest;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.device.DeviceService;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventQuery;
import dev.roost.server.group.GroupService;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;
import io.grpc.stub.StreamObserver;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** gRPC adapter of the event history and the live, filtered event stream (Watch). */
public final class EventGrpcService extends EventServiceGrpc.EventServiceImplBase {
    /** Events a watcher may fall behind by before its stream ends with RESOURCE_EXHAUSTED. */
    static final int WATCH_BUFFER = 10_000;

    private final DeviceService devices;
    private final GroupService groups;
    private final EventBus events;

    public EventGrpcService(DeviceService devices, GroupService groups, EventBus events) {
        this.devices = devices;
        this.groups = groups;
        this.events = events;
    }

    @Override
    public void watch(WatchEventsRequest request, StreamObserver<dev.roost.proto.v1.DeviceEvent> observer) {
        Caller caller = GrpcAuthInterceptor.caller();
        caller.require(Role.VIEWER);
        EventFilter filter = request.getFilter();
        Set<DeviceId> devices = new HashSet<>(ProtoMapper.deviceIds("filter.device_ids", filter.getDeviceIdsList()));
        if (!filter.getGroupId().isEmpty()) {
            devices.addAll(GroupMembers.all(groups, caller, GroupId.parse("filter.group_id", filter.getGroupId())));
        }
        boolean anyDevice = filter.getDeviceIdsList().isEmpty() && filter.getGroupId().isEmpty();
        Set<String> types = new HashSet<>(filter.getTypesList());
        WatchStreams.pump(events.subscribe(event -> (anyDevice || devices.contains(event.deviceId()))
                        && (types.isEmpty() || types.contains(event.type().wireName())), WATCH_BUFFER), observer,
                event -> Optional.of(ProtoMapper.event(event)));
    }

    @Override
    public void listEvents(ListEventsRequest request, io.grpc.stub.StreamObserver<ListEventsResponse> observer) {
        Unary.respond(observer, () -> {
            EventFilter filter = request.getFilter();
            EventQuery query = new EventQuery(
                    new HashSet<>(ProtoMapper.deviceIds("filter.device_ids", filter.getDeviceIdsList())),
                    filter.getGroupId().isEmpty() ? Optional.empty()
                            : Optional.of(GroupId.parse("filter.group_id", filter.getGroupId())),
                    new HashSet<>(filter.getTypesList()),
                    ProtoMapper.instant(request.getSinceMs()), ProtoMapper.instant(request.getUntilMs()));
            Page<DeviceEvent> page = devices.events(GrpcAuthInterceptor.caller(), query,
                    ProtoMapper.page(request.getPage()));
            return ListEventsResponse.newBuilder()
                    .addAllEvents(page.items().stream().map(ProtoMapper::event).toList())
                    .setPage(ProtoMapper.pageInfo(page))
                    .build();
        });
    }
}
