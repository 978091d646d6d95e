package dev.roost.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.edge.config.AgentConfig;
import dev.roost.edge.sim.SyntheticStatusSource;
import dev.roost.edge.status.BootId;
import dev.roost.edge.support.AgentFixture;
import dev.roost.edge.support.CountingMetrics;
import dev.roost.server.support.Await;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real agent with the URLs of two Roost nodes of one cluster (one database, the real NATS) and no
 * load balancer: when the node holding its session stops, it moves to the other, stays the same
 * device (its session token is good on every node) and takes commands there.
 */
@Tag("cluster")
class AgentClusterFailoverTest {
    private static final URI NATS = URI.create(System.getProperty("roost.test.nats", "nats://127.0.0.1:4222"));

    @TempDir
    Path dir;

    private final CountingMetrics metrics = new CountingMetrics();
    private TestDatabase database;
    private TestServer a;
    private TestServer b;
    private EdgeAgent agent;

    @BeforeEach
    void startCluster() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(NATS.getHost(), NATS.getPort()), 1000);
        } catch (IOException e) {
            Assumptions.abort("no NATS at " + NATS + " (.ci/run starts one): " + e.getMessage());
        }
        database = TestDatabase.create();
        Map<String, String> cluster = Map.of("cluster.nats-url", NATS.toString(),
                "cluster.name", "t" + UUID.randomUUID().toString().substring(0, 8), "cluster.lease-ttl", "PT3S");
        a = TestServer.start(database, cluster);
        b = TestServer.start(database, cluster);
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        for (TestServer server : new TestServer[] {a, b}) {
            if (server != null) {
                server.close();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    private static URI ws(TestServer server) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws");
    }

    @Test
    void nodeHoldingTheSessionStops_agentMovesToTheOtherNode_isOnlineThere_andRunsACommandSentThere() {
        String[] device = a.registerDevice("failover-agent");
        URI urlA = ws(a);
        URI urlB = ws(b);
        AgentConfig config = AgentFixture.config(dir, a.port(), device[0], device[1],
                Map.of("server-urls", urlA + "," + urlB));
        BootId bootId = new BootId("boot-f");
        agent = EdgeAgent.builder(config).systemStatus(new SyntheticStatusSource(3, bootId, "t"), bootId)
                .metrics(metrics).build().start();
        Await.until("the agent is live", agent::isLive);
        // The agent begins at a random entry of its list: stop whichever node it chose.
        TestServer holding = agent.server().equals(urlA) ? a : b;
        TestServer other = holding == a ? b : a;
        URI otherUrl = holding == a ? urlB : urlA;
        Await.until("online in the cluster", () -> online(other, device[0]));

        holding.close();
        if (holding == a) {
            a = null;
        } else {
            b = null;
        }

        Await.until("live again, on the other node", () -> agent.isLive() && agent.server().equals(otherUrl));
        Await.until("ONLINE on the other node", () -> online(other, device[0]) && other.rest()
                .get("/api/v1/devices/" + device[0], ADMIN_TOKEN).data().get("state").asText().equals("ONLINE"));
        assertThat(metrics.connects.get()).isEqualTo(2);
        assertThat(metrics.failures).as("the session token issued by one node is good on the other")
                .noneMatch(why -> why.startsWith("auth_error"));

        Reply reply = other.rest().post("/api/v1/devices/" + device[0] + "/commands", ADMIN_TOKEN,
                "{\"name\":\"get_config\",\"wait_timeout_ms\":10000}");
        assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
        assertThat(reply.data().get("state").asText()).as(reply.raw()).isEqualTo("SUCCEEDED");
        JsonNode urls = reply.data().at("/result/server-urls");
        assertThat(urls.toString()).as("the agent's own get_config answered").contains(urlA.toString(),
                urlB.toString());
    }

    private static boolean online(TestServer on, String device) {
        return on.rest().get("/api/v1/devices/" + device + "/status", ADMIN_TOKEN).data().path("online").asBoolean();
    }
}
