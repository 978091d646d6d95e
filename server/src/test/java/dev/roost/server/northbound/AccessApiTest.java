package dev.roost.server.northbound;

import dev.roost.proto.v1.AccessServiceGrpc;
import dev.roost.proto.v1.CreateTokenRequest;
import dev.roost.proto.v1.CreateTokenResponse;
import dev.roost.proto.v1.DeviceServiceGrpc;
import dev.roost.proto.v1.Hardware;
import dev.roost.proto.v1.ListDevicesRequest;
import dev.roost.proto.v1.LoginRequest;
import dev.roost.proto.v1.RegisterDeviceRequest;
import dev.roost.proto.v1.RevokeTokenRequest;
import dev.roost.proto.v1.Role;
import dev.roost.proto.v1.WhoAmIRequest;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Tag("db")
class AccessApiTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static AccessServiceGrpc.AccessServiceBlockingStub access(String token) {
        AccessServiceGrpc.AccessServiceBlockingStub stub = AccessServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(TestServer.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        return token == null ? stub : stub.withCallCredentials(TestServer.bearer(token));
    }

    private static DeviceServiceGrpc.DeviceServiceBlockingStub devices(String token) {
        return DeviceServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(TestServer.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .withCallCredentials(TestServer.bearer(token));
    }

    private static String token(Role role) {
        return access(ADMIN_TOKEN).createToken(CreateTokenRequest.newBuilder().setName("t-" + role).setRole(role)
                .build()).getSecret();
    }

    private static RegisterDeviceRequest anyDevice() {
        return RegisterDeviceRequest.newBuilder().setName("d")
                .setHardware(Hardware.newBuilder().setSerial(UUID.randomUUID().toString()).setModel("ACC")).build();
    }

    @Test
    void viewer_canReadButNotWrite() {
        String viewer = token(Role.VIEWER);
        assertThat(devices(viewer).listDevices(ListDevicesRequest.getDefaultInstance())).isNotNull();
        StatusRuntimeException denied = catchThrowableOfType(StatusRuntimeException.class,
                () -> devices(viewer).registerDevice(anyDevice()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription()).contains("operator");

        Reply rest = server.rest().post("/api/v1/devices", viewer,
                "{\"name\":\"x\",\"hardware\":{\"serial\":\"v1\",\"model\":\"ACC\"}}");
        assertThat(rest.status()).isEqualTo(403);
        assertThat(rest.type()).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void operator_canRegisterButNotManageUsers() {
        String operator = token(Role.OPERATOR);
        assertThat(devices(operator).registerDevice(anyDevice()).getSecret()).isNotBlank();
        Reply users = server.rest().get("/api/v1/users", operator);
        assertThat(users.status()).isEqualTo(403);
        StatusRuntimeException escalation = catchThrowableOfType(StatusRuntimeException.class,
                () -> access(operator).createToken(CreateTokenRequest.newBuilder().setName("x").setRole(Role.ADMIN)
                        .build()));
        assertThat(escalation.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void unboundNonAdminToken_seesAndRevokesOnlyItself() {
        CreateTokenResponse viewer = access(ADMIN_TOKEN).createToken(CreateTokenRequest.newBuilder().setName("solo")
                .setRole(Role.VIEWER).build());
        Reply listed = server.rest().get("/api/v1/tokens", viewer.getSecret());
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.data()).hasSize(1);
        assertThat(listed.data().get(0).get("id").asText()).isEqualTo(viewer.getToken().getId());
        String adminTokenId = access(ADMIN_TOKEN).whoAmI(WhoAmIRequest.getDefaultInstance()).getTokenId();
        assertThat(server.rest().delete("/api/v1/tokens/" + adminTokenId, viewer.getSecret()).status()).isEqualTo(403);
        assertThat(server.rest().delete("/api/v1/tokens/" + viewer.getToken().getId(), viewer.getSecret()).status())
                .isEqualTo(200);
    }

    @Test
    void revokedToken_isRejectedAtOnce() {
        CreateTokenResponse created = access(ADMIN_TOKEN).createToken(CreateTokenRequest.newBuilder().setName("tmp")
                .setRole(Role.OPERATOR).build());
        assertThat(devices(created.getSecret()).listDevices(ListDevicesRequest.getDefaultInstance())).isNotNull();
        access(ADMIN_TOKEN).revokeToken(RevokeTokenRequest.newBuilder().setId(created.getToken().getId()).build());
        StatusRuntimeException rejected = catchThrowableOfType(StatusRuntimeException.class,
                () -> devices(created.getSecret()).listDevices(ListDevicesRequest.getDefaultInstance()));
        assertThat(rejected.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(server.rest().get("/api/v1/devices", created.getSecret()).status()).isEqualTo(401);
    }

    @Test
    void user_logsInWithPassword_andActsWithTheirRole() {
        String username = "alice" + UUID.randomUUID().toString().substring(0, 6);
        Reply created = server.rest().post("/api/v1/users", ADMIN_TOKEN,
                "{\"username\":\"" + username + "\",\"password\":\"a-long-password-1\",\"role\":\"operator\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.raw()).doesNotContain("a-long-password-1");

        CreateTokenResponse login = access(null).login(LoginRequest.newBuilder().setUsername(username)
                .setPassword("a-long-password-1").build());
        assertThat(login.getToken().getExpiresAtMs()).isPositive();
        assertThat(access(login.getSecret()).whoAmI(WhoAmIRequest.getDefaultInstance()).getPrincipal())
                .isEqualTo("user:" + username);

        Reply badPassword = server.rest().post("/api/v1/login", null,
                "{\"username\":\"" + username + "\",\"password\":\"wrong-password-xx\"}");
        assertThat(badPassword.status()).isEqualTo(401);

        Reply disabled = server.rest().patch("/api/v1/users/" + created.data().get("id").asText(), ADMIN_TOKEN,
                "{\"disabled\":true}");
        assertThat(disabled.status()).as(disabled.raw()).isEqualTo(200);
        assertThat(server.rest().get("/api/v1/devices", login.getSecret()).status()).isEqualTo(401);
    }

    @Test
    void restErrors_forTokensAndUsers_namTheField() {
        Reply badRole = server.rest().post("/api/v1/tokens", ADMIN_TOKEN, "{\"name\":\"x\",\"role\":\"root\"}");
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.message()).startsWith("role:");
        Reply shortPassword = server.rest().post("/api/v1/users", ADMIN_TOKEN,
                "{\"username\":\"bob\",\"password\":\"short\",\"role\":\"viewer\"}");
        assertThat(shortPassword.message()).startsWith("password:");
        Reply missingToken = server.rest().get("/api/v1/devices", null);
        assertThat(missingToken.status()).isEqualTo(401);
        assertThat(missingToken.type()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void repeatedFailures_fromOneSource_areRateLimited() {
        try (TestServer limited = TestServer.start(Map.of("auth.max-failures", "3"))) {
            for (int i = 0; i < 3; i++) {
                assertThat(limited.rest().get("/api/v1/devices", "rst_wrong-" + i).status()).isEqualTo(401);
            }
            Reply blocked = limited.rest().get("/api/v1/devices", TestServer.ADMIN_TOKEN);
            assertThat(blocked.status()).isEqualTo(429);
            assertThat(blocked.type()).isEqualTo("RATE_LIMITED");
            StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class,
                    () -> DeviceServiceGrpc.newBlockingStub(limited.channel())
                            .withDeadlineAfter(20, TimeUnit.SECONDS)
                            .withCallCredentials(TestServer.bearer(TestServer.ADMIN_TOKEN))
                            .listDevices(ListDevicesRequest.getDefaultInstance()));
            assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        }
    }

    @Test
    void firstStart_withoutConfiguredToken_generatesAnAdminToken() {
        try (TestServer fresh = TestServer.start(Map.of("admin.token", ""))) {
            String generated = fresh.generatedAdminToken().orElseThrow();
            assertThat(generated).startsWith("rst_");
            assertThat(fresh.rest().get("/api/v1/whoami", generated).data().get("role").asText()).isEqualTo("ADMIN");
        }
    }
}
