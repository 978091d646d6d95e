package dev.roost.bench;

import dev.roost.proto.v1.Device;
import dev.roost.proto.v1.DeviceServiceGrpc;
import dev.roost.proto.v1.GetDeviceRequest;
import dev.roost.proto.v1.ListDevicesRequest;
import dev.roost.proto.v1.ListDevicesResponse;
import dev.roost.proto.v1.PageInfo;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * GetDevice and ListDevices answered from an immutable map, with no authentication, validation,
 * interceptors or storage: what a gRPC call costs on Helidon with nothing of Roost in it. ListDevices
 * pages in copy order (the cursor is an index) only so that the load generator can read the ids.
 */
final class BaselineDeviceService extends DeviceServiceGrpc.DeviceServiceImplBase {
    private final List<Device> devices;
    private final Map<String, Device> byId;

    BaselineDeviceService(List<Device> devices) {
        this.devices = List.copyOf(devices);
        this.byId = devices.stream().collect(Collectors.toUnmodifiableMap(Device::getId, Function.identity()));
    }

    @Override
    public void getDevice(GetDeviceRequest request, StreamObserver<Device> observer) {
        Device device = byId.get(request.getId());
        if (device == null) {
            observer.onError(Status.NOT_FOUND.withDescription("no device " + request.getId()).asRuntimeException());
            return;
        }
        observer.onNext(device);
        observer.onCompleted();
    }

    @Override
    public void listDevices(ListDevicesRequest request, StreamObserver<ListDevicesResponse> observer) {
        int from = request.getPage().getCursor().isEmpty() ? 0 : Integer.parseInt(request.getPage().getCursor());
        int size = request.getPage().getPageSize() == 0 ? 100 : request.getPage().getPageSize();
        int to = Math.min(devices.size(), from + size);
        observer.onNext(ListDevicesResponse.newBuilder()
                .addAllDevices(devices.subList(Math.min(from, to), to))
                .setPage(PageInfo.newBuilder().setNextCursor(to < devices.size() ? Integer.toString(to) : "")
                        .setTotalCount(devices.size()))
                .build());
        observer.onCompleted();
    }
}
