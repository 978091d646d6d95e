package dev.roost.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.Await;
import dev.roost.server.support.RestClient;
import dev.roost.server.support.ServerProcess;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestDevice;
import org.h2.tools.Server;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three node processes on one database and the real NATS; {@code kill -9} of the node that holds a
 * device with one command ACKED and one SENT: the device logs in on another node, both commands end
 * SUCCEEDED, neither runs twice, and the cluster's presence converges without the dead node.
 * Tagged {@code slow} (three server processes): {@code ./dev test} leaves it out, .ci/run runs it in a step of its own.
 */
@Tag("cluster")
@Tag("slow")
class ClusterNodeKillIT {
    @Test
    void aKilledNodesDevice_movesToAnotherNode_andItsCommandsFinishOnce() throws Exception {
        Nats.assumeRunning();
        Server h2 = null;
        TestDatabase mariadb = null;
        List<ServerProcess> nodes = new ArrayList<>();
        try {
            String url;
            if (TestDatabase.onMariaDb()) {
                mariadb = TestDatabase.create();
                url = mariadb.settings().url();
            } else {
                // One in-memory database for three processes: H2 served over TCP from this JVM.
                h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
                url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:kill" + UUID.randomUUID().toString()
                        .substring(0, 8) + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
            }
            Map<String, String> cluster = Map.of("roost.cluster.nats-url", Nats.URL,
                    "roost.cluster.name", "kill" + UUID.randomUUID().toString().substring(0, 8),
                    "roost.cluster.lease-ttl", "PT2S", "roost.commands.sweep-interval", "PT0.2S");
            for (int i = 0; i < 3; i++) {
                nodes.add(ServerProcess.start(url, cluster));
            }
            ServerProcess a = nodes.get(0);
            ServerProcess b = nodes.get(1);
            ServerProcess victim = nodes.get(2);
            RestClient api = a.rest();
            Await.until("three nodes", Duration.ofSeconds(20), () -> api.get("/api/v1/cluster/nodes", ADMIN_TOKEN)
                    .data().get("nodes").size() == 3);
            JsonNode registered = api.post("/api/v1/devices", ADMIN_TOKEN, "{\"name\":\"kill\",\"hardware\":"
                    + "{\"serial\":\"" + UUID.randomUUID() + "\",\"model\":\"T\"}}").data();
            String device = registered.at("/device/id").asText();
            String secret = registered.get("secret").asText();

            List<String> received = new ArrayList<>();
            String acked;
            String unacked;
            try (TestDevice onVictim = TestDevice.connect(victim.port())) {
                onVictim.authenticate(device, secret);
                Await.until("a sees the device online", () -> api.get("/api/v1/devices/" + device + "/status",
                        ADMIN_TOKEN).data().get("online").asBoolean());
                acked = send(api, device);
                JsonNode first = onVictim.next("command");
                received.add(first.at("/body/command_id").asText());
                onVictim.sendRaw("{\"type\":\"command_ack\",\"id\":\"a1\",\"reply_to\":\"" + first.get("id").asText()
                        + "\",\"body\":{\"command_id\":\"" + acked + "\"}}");
                Await.until("ACKED", () -> state(api, acked).equals("ACKED"));
                unacked = send(api, device);
                received.add(onVictim.next("command").at("/body/command_id").asText());
                Await.until("SENT", () -> state(api, unacked).equals("SENT"));

                victim.kill();
                onVictim.awaitClose();
            }

            // The agent's failover: the next node of its list, with its secret (or session token).
            try (TestDevice onB = TestDevice.connect(b.port())) {
                onB.authenticate(device, secret);
                // The SENT command is sent again (never acknowledged); the ACKED one waits for its result.
                JsonNode resent = onB.next("command");
                assertThat(resent.at("/body/command_id").asText()).isEqualTo(unacked);
                onB.answer(resent, "succeeded", "{}");
                // The ACKED command ran on the device before the kill: its journal sends the result now.
                onB.send("command_result", "{\"command_id\":\"" + acked + "\",\"status\":\"succeeded\",\"code\":0,"
                        + "\"result\":{}}");
                Await.until("both SUCCEEDED", Duration.ofSeconds(20), () -> state(api, acked).equals("SUCCEEDED")
                        && state(api, unacked).equals("SUCCEEDED"));
                assertThat(received).as("each command reached the device once before the kill")
                        .containsExactly(acked, unacked);
                assertThat(onB.skippedTypes()).as("no command sent a third time").doesNotContain("command");

                Await.until("presence converges: two nodes, the device online on b", Duration.ofSeconds(30), () -> {
                    JsonNode list = api.get("/api/v1/cluster/nodes", ADMIN_TOKEN).data();
                    return list.get("nodes").size() == 2 && api.get("/api/v1/devices/" + device + "/status",
                            ADMIN_TOKEN).data().get("online").asBoolean()
                            && api.get("/api/v1/devices/" + device, ADMIN_TOKEN).data().get("state").asText()
                            .equals("ONLINE");
                });
            }
        } finally {
            nodes.forEach(ServerProcess::close);
            if (h2 != null) {
                h2.stop();
            }
            if (mariadb != null) {
                mariadb.close();
            }
        }
    }

    private static String send(RestClient api, String device) {
        return api.post("/api/v1/devices/" + device + "/commands", ADMIN_TOKEN, "{\"name\":\"get_config\","
                + "\"timeout_ms\":60000}").data().get("id").asText();
    }

    private static String state(RestClient api, String id) {
        return api.get("/api/v1/commands/" + id, ADMIN_TOKEN).data().get("state").asText();
    }
}
