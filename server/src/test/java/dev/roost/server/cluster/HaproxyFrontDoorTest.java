package dev.roost.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.proto.v1.ClusterServiceGrpc;
import dev.roost.proto.v1.ListNodesRequest;
import dev.roost.proto.v1.ListNodesResponse;
import dev.roost.proto.v1.Node;
import dev.roost.server.support.Await;
import dev.roost.server.support.RestClient;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped deploy/haproxy/haproxy.cfg, rendered for two Roost nodes of one cluster, run by the
 * real HAProxy: REST, gRPC (HTTP/2 cleartext) and device WebSockets all pass its one port, and a
 * stopped node is taken out by the health check while new connections reach the other.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaproxyFrontDoorTest {
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final Path TEMPLATE = Path.of("..", "deploy", "haproxy", "haproxy.cfg");
    private static final Pattern FIRST_SERVER = Pattern.compile("^(\\s*server\\s+)node1\\s+\\S+(.*)$");
    private static final Pattern OTHER_SERVER = Pattern.compile("^\\s*server\\s+node\\d+\\s.*$");

    private static TestDatabase database;
    private static TestServer a;
    private static TestServer b;
    private static Path dir;
    private static Process haproxy;
    private static int port;
    private static int statsPort;
    private static RestClient front;
    private static ManagedChannel grpc;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(HAPROXY), "no " + HAPROXY + " (apt-get install haproxy; .ci/run does)");
        Nats.assumeRunning();
        database = TestDatabase.create();
        String name = "t" + UUID.randomUUID().toString().substring(0, 8);
        a = TestServer.start(database, cluster(name, "node-a"));
        b = TestServer.start(database, cluster(name, "node-b"));
        dir = Files.createTempDirectory("roost-haproxy");
        port = freePort();
        statsPort = freePort();
        Path config = Files.writeString(dir.resolve("haproxy.cfg"),
                render(Files.readString(TEMPLATE), port, statsPort, dir, List.of(a.port(), b.port())));
        haproxy = new ProcessBuilder(HAPROXY.toString(), "-f", config.toString(), "-db")
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        Await.until("haproxy listens", () -> listening(port) || !haproxy.isAlive());
        assertThat(haproxy.isAlive()).as(log()).isTrue();
        front = RestClient.http1("http://127.0.0.1:" + port);
        grpc = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        Await.until("both nodes UP in both backends", () -> states().values().stream().filter("UP"::equals).count() == 4);
    }

    @AfterAll
    static void stop() throws Exception {
        if (grpc != null) {
            grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly();
            }
        }
        for (TestServer server : new TestServer[] {a, b}) {
            if (server != null) {
                server.close();
            }
        }
        if (database != null) {
            database.close();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    private static Map<String, String> cluster(String name, String node) {
        return Map.of("cluster.nats-url", Nats.URL, "cluster.name", name, "cluster.node-name", node,
                "cluster.lease-ttl", "PT3S");
    }

    /**
     * The template with this test's addresses: the public and stats ports, a stats socket in a
     * temporary directory, and each backend's {@code node1} line repeated for every node (keeping
     * its options); the template's other example nodes are dropped.
     */
    static String render(String template, int port, int statsPort, Path dir, List<Integer> nodes) {
        StringBuilder out = new StringBuilder();
        for (String line : template.split("\n", -1)) {
            Matcher first = FIRST_SERVER.matcher(line);
            if (first.matches()) {
                for (int i = 0; i < nodes.size(); i++) {
                    out.append(first.group(1)).append("node").append(i + 1).append(" 127.0.0.1:").append(nodes.get(i))
                            .append(first.group(2)).append('\n');
                }
            } else if (!OTHER_SERVER.matcher(line).matches()) {
                out.append(line.replace("bind :9080", "bind 127.0.0.1:" + port)
                        .replace("bind 127.0.0.1:9081", "bind 127.0.0.1:" + statsPort)
                        .replace("/run/haproxy/roost.sock", dir.resolve("roost.sock").toString())).append('\n');
            }
        }
        String rendered = out.toString();
        assertThat(rendered).as("the template's public port, stats port and node1 lines were found")
                .contains("bind 127.0.0.1:" + port, "bind 127.0.0.1:" + statsPort, "127.0.0.1:" + nodes.getLast());
        return rendered;
    }

    @Test
    @Order(1)
    void restGrpcAndADeviceWebSocket_passTheOnePort_andACommandSentThroughItReachesTheDevice() {
        Reply nodes = front.get("/api/v1/cluster/nodes", ADMIN_TOKEN);
        assertThat(nodes.status()).as(nodes.raw()).isEqualTo(200);
        assertThat(nodes.data().get("nodes").findValuesAsText("name")).containsExactlyInAnyOrder("node-a", "node-b");

        // gRPC is balanced per call: one channel's calls reach both nodes.
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            answered.add(answeringNode(listNodes()));
        }
        assertThat(answered).containsExactlyInAnyOrder("node-a", "node-b");

        String[] device = a.registerDevice("through-haproxy");
        try (TestDevice link = TestDevice.connect(port)) {
            link.authenticate(device[0], device[1]);
            CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> front.post("/api/v1/devices/"
                    + device[0] + "/commands", ADMIN_TOKEN, "{\"name\":\"get_config\",\"wait_timeout_ms\":8000}"));
            JsonNode command = link.next("command");
            link.answer(command, "succeeded", "{\"via\":\"haproxy\"}");
            Reply reply = waiting.join();
            assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
            assertThat(reply.data().get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(reply.data().at("/result/via").asText()).isEqualTo("haproxy");
        }
    }

    @Test
    @Order(2)
    void aStoppedNode_isTakenOutByTheHealthCheck_andNewConnectionsReachTheOther() {
        a.close();
        a = null;
        Await.until("node1 DOWN in both backends, node2 UP", () -> {
            Map<String, String> states = states();
            return "DOWN".equals(states.get("roost_http/node1")) && "DOWN".equals(states.get("roost_grpc/node1"))
                    && "UP".equals(states.get("roost_http/node2")) && "UP".equals(states.get("roost_grpc/node2"));
        });

        for (int i = 0; i < 5; i++) {
            assertThat(answeringNode(listNodes())).isEqualTo("node-b");
            Reply health = front.get("/observe/health", null);
            assertThat(health.status()).as(health.raw()).isEqualTo(200);
        }
        String[] device = b.registerDevice("after-node-a-stopped");
        try (TestDevice link = TestDevice.connect(port)) {
            assertThat(link.authenticate(device[0], device[1]).path("device_id").asText()).isEqualTo(device[0]);
            Await.until("online on node b", () -> front.get("/api/v1/devices/" + device[0] + "/status", ADMIN_TOKEN)
                    .data().path("online").asBoolean());
        }
    }

    private static ListNodesResponse listNodes() {
        return ClusterServiceGrpc.newBlockingStub(grpc).withCallCredentials(TestServer.bearer(ADMIN_TOKEN))
                .withDeadlineAfter(10, TimeUnit.SECONDS).listNodes(ListNodesRequest.getDefaultInstance());
    }

    private static String answeringNode(ListNodesResponse nodes) {
        return nodes.getNodesList().stream().filter(Node::getThisNode).map(Node::getName).findFirst().orElseThrow();
    }

    /** Server states from the stats page's CSV, by "backend/server". */
    private static Map<String, String> states() {
        Reply csv = RestClient.http1("http://127.0.0.1:" + statsPort).get("/stats;csv", null);
        assertThat(csv.status()).as(csv.raw()).isEqualTo(200);
        String[] lines = csv.raw().split("\n");
        List<String> header = Arrays.asList(lines[0].replaceFirst("^# ", "").split(","));
        int status = header.indexOf("status");
        Map<String, String> states = new java.util.HashMap<>();
        for (String line : new ArrayList<>(Arrays.asList(lines).subList(1, lines.length))) {
            String[] fields = line.split(",", -1);
            if (fields.length > status && fields[1].startsWith("node")) {
                states.put(fields[0] + "/" + fields[1], fields[status]);
            }
        }
        return states;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String log() {
        try {
            return Files.readString(dir.resolve("haproxy.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
