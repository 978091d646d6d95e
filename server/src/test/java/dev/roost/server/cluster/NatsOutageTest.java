package dev.roost.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.Await;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** NATS goes away under a running cluster: nodes keep their own devices, cross-node calls fail fast, all converges. */
@Tag("cluster")
class NatsOutageTest {
    @Test
    void natsLost_nodesServeTheirOwnDevices_crossNodeCallsFailFast_andEverythingConvergesWhenItReturns(
            @TempDir Path dir) throws Exception {
        try (PrivateNats nats = PrivateNats.start(dir); TestDatabase database = TestDatabase.create()) {
            Map<String, String> cluster = Map.of("cluster.nats-url", nats.url(), "cluster.name", "outage",
                    "cluster.lease-ttl", "PT2S", "cluster.request-timeout", "PT1S");
            try (TestServer a = TestServer.start(database, cluster); TestServer b = TestServer.start(database, cluster);
                 TestDevice device = TestDevice.connect(b.port())) {
                String[] registered = a.registerDevice("outage");
                device.authenticate(registered[0], registered[1]);
                Await.until("a sees the device on b", () -> online(a, registered[0]));

                nats.kill();
                Await.until("both nodes notice NATS is gone", () -> !messagingConnected(a) && !messagingConnected(b));

                Reply refused = send(a, registered[0]);
                assertThat(refused.status()).as(refused.raw()).isEqualTo(503);
                assertThat(refused.raw()).contains("cluster: device " + registered[0]).contains("NATS");
                Reply local = send(b, registered[0]);
                assertThat(local.status()).as("b still serves its own device: " + local.raw()).isEqualTo(201);
                device.answer(device.next("command"), "succeeded", "{}");
                Await.until("the local command finished", () -> state(b, local.data().get("id").asText())
                        .equals("SUCCEEDED"));

                nats.startAgain();

                Await.until("a reaches NATS again and sees the device on b (b put its presence back)",
                        Duration.ofSeconds(20), () -> messagingConnected(a) && messagingConnected(b)
                                && online(a, registered[0]) && a.server().clusterNodes().size() == 2);
                Reply routed = send(a, registered[0]);
                assertThat(routed.status()).as(routed.raw()).isEqualTo(201);
                JsonNode command = device.next("command");
                assertThat(command.at("/body/command_id").asText()).isEqualTo(routed.data().get("id").asText());
            }
        }
    }

    private static Reply send(TestServer on, String device) {
        return on.rest().post("/api/v1/devices/" + device + "/commands", ADMIN_TOKEN, "{\"name\":\"get_config\"}");
    }

    private static boolean online(TestServer on, String device) {
        return on.rest().get("/api/v1/devices/" + device + "/status", ADMIN_TOKEN).data().get("online").asBoolean();
    }

    private static boolean messagingConnected(TestServer on) {
        return on.rest().get("/api/v1/cluster/nodes", ADMIN_TOKEN).data().get("messaging_connected").asBoolean();
    }

    private static String state(TestServer on, String id) {
        return on.rest().get("/api/v1/commands/" + id, ADMIN_TOKEN).data().get("state").asText();
    }
}
