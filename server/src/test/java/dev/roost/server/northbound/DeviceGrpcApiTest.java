package dev.roost.server.northbound;

import dev.roost.proto.v1.Device;
import dev.roost.proto.v1.DeviceLifecycleRequest;
import dev.roost.proto.v1.DeviceServiceGrpc;
import dev.roost.proto.v1.DeviceState;
import dev.roost.proto.v1.GetDeviceRequest;
import dev.roost.proto.v1.Hardware;
import dev.roost.proto.v1.ListDeviceEventsRequest;
import dev.roost.proto.v1.ListDevicesRequest;
import dev.roost.proto.v1.ListDevicesResponse;
import dev.roost.proto.v1.NetworkInterface;
import dev.roost.proto.v1.PageRequest;
import dev.roost.proto.v1.RegisterDeviceRequest;
import dev.roost.proto.v1.RegisterDeviceResponse;
import dev.roost.proto.v1.UpdateDeviceRequest;
import dev.roost.server.support.TestServer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Tag("db")
class DeviceGrpcApiTest {
    private static final Metadata.Key<String> ERROR_TYPE = Metadata.Key.of("roost-error-type",
            Metadata.ASCII_STRING_MARSHALLER);
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static DeviceServiceGrpc.DeviceServiceBlockingStub stub(String token) {
        DeviceServiceGrpc.DeviceServiceBlockingStub stub = DeviceServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(TestServer.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        return token == null ? stub : stub.withCallCredentials(TestServer.bearer(token));
    }

    private static DeviceServiceGrpc.DeviceServiceBlockingStub admin() {
        return stub(TestServer.ADMIN_TOKEN);
    }

    private static RegisterDeviceResponse register(String name, String model) {
        return admin().registerDevice(RegisterDeviceRequest.newBuilder()
                .setName(name)
                .setType("sensor")
                .setHardware(Hardware.newBuilder().setSerial("SN-" + UUID.randomUUID()).setModel(model))
                .addNetworkInterfaces(NetworkInterface.newBuilder().setType("wifi").setMac("aa:bb:cc:dd:ee:01"))
                .putLabels("zone", "north")
                .build());
    }

    @Test
    void registerThenGetByIdAndByHardware() {
        RegisterDeviceResponse registered = register("grpc-1", "G-1");
        Device device = registered.getDevice();
        assertThat(device.getState()).isEqualTo(DeviceState.REGISTERED);
        assertThat(registered.getSecret()).isNotBlank();

        Device byId = admin().getDevice(GetDeviceRequest.newBuilder().setId(device.getId()).build());
        assertThat(byId).isEqualTo(device);
        Device byHardware = admin().getDevice(GetDeviceRequest.newBuilder().setHardware(device.getHardware()).build());
        assertThat(byHardware.getId()).isEqualTo(device.getId());
    }

    @Test
    void listDevices_pagesWithCursorAndCountsTheTotal() {
        String model = "PAGE-" + UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < 5; i++) {
            register("p" + i, model);
        }
        ListDevicesResponse first = admin().listDevices(ListDevicesRequest.newBuilder().setModelPrefix(model)
                .setPage(PageRequest.newBuilder().setPageSize(2)).build());
        assertThat(first.getDevicesCount()).isEqualTo(2);
        assertThat(first.getPage().getTotalCount()).isEqualTo(5);
        ListDevicesResponse second = admin().listDevices(ListDevicesRequest.newBuilder().setModelPrefix(model)
                .setPage(PageRequest.newBuilder().setPageSize(10).setCursor(first.getPage().getNextCursor())).build());
        assertThat(second.getDevicesCount()).isEqualTo(3);
        assertThat(second.getPage().getNextCursor()).isEmpty();
        assertThat(second.getDevices(0).getId()).isNotEqualTo(first.getDevices(1).getId());
    }

    @Test
    void updateWithMask_changesOnlyMaskedFields() {
        Device device = register("masked", "M-1").getDevice();
        Device updated = admin().updateDevice(UpdateDeviceRequest.newBuilder().setId(device.getId())
                .addUpdateMask("description").setDescription("new text").setName("ignored").build());
        assertThat(updated.getDescription()).isEqualTo("new text");
        assertThat(updated.getName()).isEqualTo("masked");

        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, () -> admin().updateDevice(
                UpdateDeviceRequest.newBuilder().setId(device.getId()).addUpdateMask("hardware").build()));
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription()).startsWith("update_mask:");
    }

    @Test
    void lifecycleTransitions_areRecordedAsEvents() {
        Device device = register("life", "L-1").getDevice();
        DeviceLifecycleRequest request = DeviceLifecycleRequest.newBuilder().setId(device.getId()).setReason("maint")
                .build();
        assertThat(admin().disableDevice(request).getState()).isEqualTo(DeviceState.DISABLED);
        assertThat(admin().decommissionDevice(request).getState()).isEqualTo(DeviceState.DECOMMISSIONED);
        assertThat(admin().listDeviceEvents(ListDeviceEventsRequest.newBuilder().setDeviceId(device.getId()).build())
                .getEventsList()).extracting(e -> e.getToState())
                .containsExactly(DeviceState.DECOMMISSIONED, DeviceState.DISABLED, DeviceState.REGISTERED);
    }

    @Test
    void errors_mapToGrpcStatusesWithTheErrorType() {
        StatusRuntimeException notFound = catchThrowableOfType(StatusRuntimeException.class,
                () -> admin().getDevice(GetDeviceRequest.newBuilder().setId("42").build()));
        assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(notFound.getTrailers().get(ERROR_TYPE)).isEqualTo("NOT_FOUND");

        StatusRuntimeException badId = catchThrowableOfType(StatusRuntimeException.class,
                () -> admin().getDevice(GetDeviceRequest.newBuilder().setId("x1").build()));
        assertThat(badId.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(badId.getStatus().getDescription()).startsWith("id: must be a decimal id");

        StatusRuntimeException noHardware = catchThrowableOfType(StatusRuntimeException.class,
                () -> admin().registerDevice(RegisterDeviceRequest.newBuilder().setName("x").build()));
        assertThat(noHardware.getStatus().getDescription()).isEqualTo("hardware: is required");

        RegisterDeviceResponse first = register("dup", "D-1");
        StatusRuntimeException duplicate = catchThrowableOfType(StatusRuntimeException.class,
                () -> admin().registerDevice(RegisterDeviceRequest.newBuilder().setName("dup2")
                        .setHardware(first.getDevice().getHardware()).build()));
        assertThat(duplicate.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    }

    @Test
    void missingOrWrongToken_isUnauthenticated() {
        StatusRuntimeException missing = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub(null).listDevices(ListDevicesRequest.getDefaultInstance()));
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        StatusRuntimeException wrong = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub("rst_not-a-real-token").listDevices(ListDevicesRequest.getDefaultInstance()));
        assertThat(wrong.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrong.getStatus().getDescription()).isEqualTo("invalid, expired or revoked token");
    }

    @Test
    void registerWithGivenSecret_returnsThatSecret() {
        RegisterDeviceResponse response = admin().registerDevice(RegisterDeviceRequest.newBuilder().setName("s")
                .setHardware(Hardware.newBuilder().setSerial("SN-" + UUID.randomUUID()).setModel("S-1"))
                .setSecret("given-secret-0001").build());
        assertThat(response.getSecret()).isEqualTo("given-secret-0001");
        assertThat(response.getDevice().toString()).doesNotContain("given-secret-0001");
    }
}
