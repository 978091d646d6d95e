package dev.roost.server.northbound;

import dev.roost.server.support.Await;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ObservabilityTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthEndpoint_isUpWithADatabaseCheck_withoutAToken() {
        Reply health = server.rest().get("/observe/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().get("status").asText()).isEqualTo("UP");
        assertThat(health.raw()).contains("database");
    }

    @Test
    void metricsEndpoint_answers() {
        Reply metrics = server.rest().send(server.rest().request("/observe/metrics", null)
                .header("Accept", "text/plain").GET());
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.raw()).isNotBlank();
    }

    @Test
    void roostMeters_countSessionsReportsAndWrittenRows() {
        String[] device = server.registerDevice("metered");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            link.send("status", "{\"mode\":\"snapshot\",\"state\":{\"cpu\":{\"usage_pct\":12.5}}}");
            link.next("status_ack");
            server.server().status().flush();

            String metrics = prometheusText();
            assertThat(meter(metrics, "roost_device_sessions")).isEqualTo(1.0);
            assertThat(meter(metrics, "roost_status_reports_total")).isEqualTo(1.0);
            assertThat(meter(metrics, "roost_status_rows_written_total")).isEqualTo(1.0);
            assertThat(meter(metrics, "roost_status_pending")).isZero();
            assertThat(metrics).contains("roost_status_flush_lag_milliseconds", "roost_commands_running");
        }
        Await.until("session gone from the gauge", () -> meter(prometheusText(), "roost_device_sessions") == 0.0);
    }

    private static String prometheusText() {
        Reply metrics = server.rest().send(server.rest().request("/observe/metrics", null)
                .header("Accept", "text/plain").GET());
        assertThat(metrics.status()).isEqualTo(200);
        return metrics.raw();
    }

    /** The value of an unlabelled Prometheus sample (Helidon may add scope tags). */
    private static double meter(String text, String name) {
        return text.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in the metrics:\n" + text));
    }

    @Test
    void grpcHealthService_reportsServing() {
        HealthCheckResponse response = HealthGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void grpcReflection_listsRoostServices() throws Exception {
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(server.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        services.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(s -> s.getName()).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        List<String> names = services.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        assertThat(names).contains("roost.v1.DeviceService", "roost.v1.GroupService", "roost.v1.AccessService",
                "roost.v1.CommandService", "roost.v1.StatusService", "roost.v1.EventService");
    }

    @Test
    void grpcReflection_describesRoostServices() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(server.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setFileContainingSymbol("roost.v1.DeviceService").build());
        ServerReflectionResponse response = answer.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        assertThat(response.hasFileDescriptorResponse()).as(response.toString()).isTrue();
        assertThat(response.getFileDescriptorResponse().getFileDescriptorProtoCount()).isPositive();
    }
}
