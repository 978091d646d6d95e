package dev.roost.server.northbound.grpc;

import dev.roost.proto.v1.EventFilter;
import dev.roost.proto.v1.EventServiceGrpc;
import dev.roost.proto.v1.ListEventsRequest;
import dev.roost.proto.v1.ListEventsResponse;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.device.DeviceEvent;
import dev.roost.server.device.DeviceService;
import dev.roost.server.device.EventQuery;

import java.util.HashSet;
import java.util.Optional;

/** gRPC adapter of the event history. The live Watch stream arrives with the southbound channel. */
public final class EventGrpcService extends EventServiceGrpc.EventServiceImplBase {
    private final DeviceService devices;

    public EventGrpcService(DeviceService devices) {
        this.devices = devices;
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
