package dev.roost.edge.sim;

import dev.roost.edge.link.BackoffSettings;
import dev.roost.server.support.Await;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

class FleetTest {
    @Test
    void smallFleet_registersOverRest_connectsFromSeveralSourceAddresses_reportsAndAnswersCommands() throws Exception {
        // Pings every 2 s: the server ends a session silent for two intervals, and at 0.5 s a busy box's
        // scheduling stalls (./dev test runs two modules' tests at once) ended some.
        try (TestServer server = TestServer.start(Map.of("southbound.heartbeat-interval", "PT2S",
                "commands.sweep-interval", "PT0.1S"))) {
            List<DeviceCredential> devices = Provisioner.register(URI.create("http://127.0.0.1:" + server.port()),
                    ADMIN_TOKEN, 20, "fleet-test", 4);
            List<InetAddress> sources = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                sources.add(InetAddress.getByName("127.0.0." + i));
            }
            Fleet.Settings settings = new Fleet.Settings(List.of(URI.create("ws://127.0.0.1:" + server.port() + "/ws")),
                    Optional.empty(), sources,
                    200, Duration.ofMillis(300), new BackoffSettings(Duration.ofMillis(50), 2, Duration.ofSeconds(1),
                    Duration.ofSeconds(10), 0), 2, Duration.ofMillis(50));
            try (Fleet fleet = new Fleet(settings, FleetTokenStore.empty())) {
                fleet.start(devices);
                FleetStats stats = fleet.stats();
                Await.until("all connected", () -> stats.connectedNow() == 20);
                Await.until("pings and status round trips", () -> stats.ping.count() >= 20 && stats.status.count() >= 40);
                String commandId = server.rest().post("/api/v1/devices/" + devices.getFirst().id() + "/commands",
                        ADMIN_TOKEN, "{\"name\":\"exec\",\"params\":{},\"timeout_ms\":5000}").data().get("id").asText();
                Await.until("command answered", () -> "SUCCEEDED".equals(server.rest()
                        .get("/api/v1/commands/" + commandId, ADMIN_TOKEN).data().get("state").asText()));
                assertThat(stats.failedAttempts.get()).isZero();
                assertThat(stats.summary()).contains("connected=20");
            }
        }
    }

    @Test
    void severalServerUrls_deviceIBeginsAtEntryI_andThoseBeginningOnADeadServerMoveToTheLiveOne() throws Exception {
        URI dead;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            dead = URI.create("ws://127.0.0.1:" + socket.getLocalPort() + "/ws");
        }
        try (TestServer server = TestServer.start(Map.of())) {
            List<DeviceCredential> devices = Provisioner.register(URI.create("http://127.0.0.1:" + server.port()),
                    ADMIN_TOKEN, 6, "fleet-failover", 2);
            Fleet.Settings settings = new Fleet.Settings(List.of(dead, URI.create("ws://127.0.0.1:" + server.port()
                    + "/ws")), Optional.empty(), List.of(), 200, Duration.ofSeconds(30), new BackoffSettings(
                    Duration.ofMillis(50), 2, Duration.ofSeconds(1), Duration.ofSeconds(10), 0), 1, Duration.ofMillis(50));
            try (Fleet fleet = new Fleet(settings, FleetTokenStore.empty())) {
                fleet.start(devices);
                FleetStats stats = fleet.stats();
                Await.until("all six connected", () -> stats.connectedNow() == 6);
                assertThat(stats.failedAttempts.get()).as("devices 0, 2 and 4 began on the dead server").isEqualTo(3);
            }
        }
    }
}
