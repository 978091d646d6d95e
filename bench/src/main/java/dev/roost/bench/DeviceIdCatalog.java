package dev.roost.bench;

import dev.roost.proto.v1.Device;
import dev.roost.proto.v1.ListDevicesRequest;
import dev.roost.proto.v1.ListDevicesResponse;
import dev.roost.proto.v1.PageRequest;

import java.util.ArrayList;
import java.util.List;

/** Reads the ids of the bench fleet by paging ListDevices, as a client would. */
final class DeviceIdCatalog {
    private static final int PAGE_SIZE = 1000;

    private DeviceIdCatalog() {
    }

    static List<String> fetch(DeviceStubs stubs, int limit) {
        List<String> ids = new ArrayList<>();
        String cursor = "";
        do {
            ListDevicesResponse page = stubs.next().listDevices(ListDevicesRequest.newBuilder()
                    .setModelPrefix(BenchDevices.MODEL_PREFIX)
                    .setPage(PageRequest.newBuilder().setPageSize(Math.min(PAGE_SIZE, limit - ids.size()))
                            .setCursor(cursor))
                    .build());
            page.getDevicesList().stream().map(Device::getId).forEach(ids::add);
            cursor = page.getPage().getNextCursor();
        } while (!cursor.isEmpty() && ids.size() < limit);
        return ids;
    }

    /** How many bench devices the server holds. */
    static long count(DeviceStubs stubs) {
        return stubs.next().listDevices(ListDevicesRequest.newBuilder()
                        .setModelPrefix(BenchDevices.MODEL_PREFIX)
                        .setPage(PageRequest.newBuilder().setPageSize(1))
                        .build())
                .getPage().getTotalCount();
    }
}
