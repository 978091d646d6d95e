package dev.roost.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.proto.v1.ClusterServiceGrpc;
import dev.roost.proto.v1.DeviceEvent;
import dev.roost.proto.v1.ListNodesRequest;
import dev.roost.proto.v1.ListNodesResponse;
import dev.roost.proto.v1.Node;
import dev.roost.proto.v1.EventFilter;
import dev.roost.proto.v1.EventServiceGrpc;
import dev.roost.proto.v1.WatchEventsRequest;
import dev.roost.server.support.Await;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import dev.roost.server.support.Watch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three Roost nodes on one database and the real NATS: any node answers for any device.
 * (On H2 the three servers of this JVM share one in-memory database; .ci/run repeats it on MariaDB.)
 */
@Tag("cluster")
@Tag("db")
class ClusterNodesTest {
    private static TestDatabase database;
    private static TestServer a;
    private static TestServer b;
    private static TestServer c;

    @BeforeAll
    static void start() {
        Nats.assumeRunning();
        database = TestDatabase.create();
        Map<String, String> cluster = Map.of("cluster.nats-url", Nats.URL,
                "cluster.name", "t" + UUID.randomUUID().toString().substring(0, 8), "cluster.lease-ttl", "PT3S",
                "commands.sweep-interval", "PT0.1S");
        a = TestServer.start(database, cluster);
        b = TestServer.start(database, cluster);
        c = TestServer.start(database, cluster);
    }

    @AfterAll
    static void stop() {
        for (TestServer server : new TestServer[] {a, b, c}) {
            if (server != null) {
                server.close();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aCommandSentOnOneNode_reachesTheDeviceOnAnother_andTheWaitingCallerGetsTheResult() {
        String[] device = a.registerDevice("cross-node-command");
        try (TestDevice link = TestDevice.connect(b.port())) {
            link.authenticate(device[0], device[1]);
            Await.until("a sees the device online", () -> status(a, device[0]).get("online").asBoolean());
            CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> a.rest().post("/api/v1/devices/"
                    + device[0] + "/commands", ADMIN_TOKEN, "{\"name\":\"get_config\",\"wait_timeout_ms\":8000}"));
            JsonNode command = link.next("command");
            link.answer(command, "succeeded", "{\"answered_on\":\"b\"}");

            Reply reply = waiting.join();
            assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
            assertThat(reply.data().get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(reply.data().at("/result/answered_on").asText()).isEqualTo("b");
        }
    }

    @Test
    void cancelAndDesiredState_fromOneNode_reachTheDeviceOnAnother() {
        String[] device = c.registerDevice("cross-node-cancel");
        try (TestDevice link = TestDevice.connect(b.port())) {
            link.authenticate(device[0], device[1]);
            Await.until("c sees the device online", () -> status(c, device[0]).get("online").asBoolean());
            String id = c.rest().post("/api/v1/devices/" + device[0] + "/commands", ADMIN_TOKEN,
                    "{\"name\":\"get_config\"}").data().get("id").asText();
            assertThat(link.next("command").at("/body/command_id").asText()).isEqualTo(id);
            Reply cancelled = c.rest().post("/api/v1/commands/" + id + "/cancel", ADMIN_TOKEN, "{}");
            assertThat(cancelled.status()).as(cancelled.raw()).isEqualTo(200);
            assertThat(link.next("command_cancel").at("/body/command_id").asText()).isEqualTo(id);

            Reply desired = a.rest().patch("/api/v1/devices/" + device[0] + "/desired", ADMIN_TOKEN,
                    "{\"patch\":{\"log_level\":\"debug\"}}");
            assertThat(desired.status()).as(desired.raw()).isEqualTo(200);
            assertThat(link.next("desired").at("/body/state/log_level").asText()).isEqualTo("debug");
        }
    }

    @Test
    void aWatchOnOneNode_onceSubscribed_seesTheEventsOfADeviceOnAnother_inOrder() throws Exception {
        String[] device = a.registerDevice("cross-node-watch");
        WatchEventsRequest request = WatchEventsRequest.newBuilder().setFilter(EventFilter.newBuilder()
                .addDeviceIds(device[0]).addTypes("connected").addTypes("disconnected")).build();
        try (Watch<DeviceEvent> events = Watch.subscribed(c.channel(), (channel, observer) -> EventServiceGrpc
                .newStub(channel).withCallCredentials(TestServer.bearer(ADMIN_TOKEN)).watch(request, observer))) {
            try (TestDevice link = TestDevice.connect(b.port())) {
                link.authenticate(device[0], device[1]);
            }
            DeviceEvent connected = events.next();
            assertThat(connected.getType()).isEqualTo("connected");
            assertThat(connected.getDeviceId()).isEqualTo(device[0]);
            DeviceEvent disconnected = events.next();
            assertThat(disconnected.getType()).as("in per-device order").isEqualTo("disconnected");
            assertThat(disconnected.getDeviceId()).isEqualTo(device[0]);
        }
    }

    @Test
    void aDeviceReconnectingToAnotherNode_replacesItsOldSession_andStaysOnline() {
        String[] device = a.registerDevice("cross-node-replace");
        try (TestDevice first = TestDevice.connect(a.port())) {
            first.authenticate(device[0], device[1]);
            try (TestDevice second = TestDevice.connect(b.port())) {
                second.authenticate(device[0], device[1]);
                TestDevice.Closed closed = first.awaitClose();
                assertThat(closed.code()).isEqualTo(4004);
                assertThat(closed.reason()).isEqualTo("replaced");

                Await.until("online on every node, and stored ONLINE", () -> status(a, device[0]).get("online")
                        .asBoolean() && status(c, device[0]).get("online").asBoolean()
                        && device(c, device[0]).get("state").asText().equals("ONLINE"));
                second.send("ping", "{}");
                assertThat(second.next("pong")).isNotNull();
            }
            Await.until("offline once the live session closed", () -> !status(c, device[0]).get("online").asBoolean()
                    && device(a, device[0]).get("state").asText().equals("OFFLINE"));
        }
    }

    @Test
    void everyNodeListsTheLiveNodes_overRestAndGrpc_andInItsHealth() {
        Await.until("three nodes", () -> c.rest().get("/api/v1/cluster/nodes", ADMIN_TOKEN).data().get("nodes").size() == 3);
        JsonNode nodes = b.rest().get("/api/v1/cluster/nodes", ADMIN_TOKEN).data();
        assertThat(nodes.get("clustered").asBoolean()).isTrue();
        assertThat(nodes.get("messaging_connected").asBoolean()).isTrue();
        assertThat(nodes.get("nodes").findValuesAsText("worker")).doesNotHaveDuplicates().hasSize(3);
        ListNodesResponse grpc = ClusterServiceGrpc.newBlockingStub(a.channel())
                .withCallCredentials(TestServer.bearer(ADMIN_TOKEN)).listNodes(ListNodesRequest.getDefaultInstance());
        assertThat(grpc.getNodesList()).hasSize(3).filteredOn(Node::getThisNode).hasSize(1);
        JsonNode health = a.rest().get("/observe/health", null).body();
        assertThat(health.at("/status").asText()).isEqualTo("UP");
        assertThat(health.toString()).contains("\"clustered\":true");
    }

    @Test
    void aDeviceChangedOnOneNode_isReadFreshOnTheOthers_atOnce() {
        // Registered on b, so b caches it at its first read (another node's registration event would
        // keep b from caching it for a moment).
        String[] device = b.registerDevice("renamed-on-a");
        assertThat(device(b, device[0]).get("name").asText()).as("b caches it").isEqualTo("renamed-on-a");

        Reply renamed = a.rest().patch("/api/v1/devices/" + device[0], ADMIN_TOKEN, "{\"name\":\"renamed-by-a\"}");
        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);

        // a announced its write before answering; b drops its copy when the notice arrives, well before
        // the cache's age bound (10 minutes) would have.
        Await.until("b reads the new name", Duration.ofSeconds(3),
                () -> device(b, device[0]).get("name").asText().equals("renamed-by-a"));
        assertThat(device(c, device[0]).get("name").asText()).isEqualTo("renamed-by-a");
    }

    private static JsonNode status(TestServer on, String device) {
        return on.rest().get("/api/v1/devices/" + device + "/status", ADMIN_TOKEN).data();
    }

    private static JsonNode device(TestServer on, String device) {
        return on.rest().get("/api/v1/devices/" + device, ADMIN_TOKEN).data();
    }
}
