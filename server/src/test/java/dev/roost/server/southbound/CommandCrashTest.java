package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.Await;
import dev.roost.server.support.RestClient;
import dev.roost.server.support.TestDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the server while commands stream through it (a real server process on the MariaDB
 * at 127.0.0.1:3306): every command whose id the API returned is stored, with its idempotency key
 * (the insert shares a group commit with other commands' writes, and the API answers only after
 * that commit), and after the restart every one of them reaches SUCCEEDED — the intermediate
 * transitions a crash lost (ACKED not yet group-committed, results not yet committed) are
 * recovered by resending SENT commands on reconnect and by the devices resending results the
 * server never acknowledged. Tagged {@code slow} (two server processes, MariaDB): {@code ./dev test}
 * leaves it out, .ci/run runs it in a step of its own.
 */
@Tag("slow")
class CommandCrashTest {
    private static final String TOKEN = "crash-test-admin-token-0123456789";
    private static final String SERVER_URL = "jdbc:mariadb://127.0.0.1:3306/?user=root";
    private static final int DEVICES = 10;
    private static final int RETURNED_BEFORE_KILL = 300;

    private final String database = "roost_crash_" + System.nanoTime();
    private final List<Responder> responders = new ArrayList<>();
    private Process server;

    @AfterEach
    void cleanUp() throws SQLException {
        responders.forEach(Responder::stop);
        if (server != null) {
            server.destroyForcibly();
        }
        execute("DROP DATABASE IF EXISTS " + database);
    }

    @Test
    void killDashNineMidStream_losesNoCommandWhoseIdWasReturned() throws Exception {
        execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        int port = startServer();
        RestClient rest = RestClient.forPort(port);
        List<String[]> devices = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            RestClient.Reply reply = rest.post("/api/v1/devices", TOKEN, "{\"name\":\"crash-" + i
                    + "\",\"hardware\":{\"serial\":\"crash-" + i + "\",\"model\":\"TEST\"}}");
            assertThat(reply.status()).isEqualTo(201);
            devices.add(new String[] {reply.data().at("/device/id").asText(), reply.data().get("secret").asText()});
        }
        for (String[] device : devices) {
            responders.add(new Responder(device));
        }
        responders.forEach(responder -> responder.connect(port));

        // Idempotency key → the device and the id the API returned for it.
        Map<String, String[]> returned = new ConcurrentHashMap<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            int first = s;
            senders.add(Thread.ofVirtual().start(() -> {
                for (int n = first; sending.get(); n++) {
                    String device = devices.get(n % DEVICES)[0];
                    String key = "crash-" + first + "-" + n;
                    try {
                        RestClient.Reply reply = rest.post("/api/v1/devices/" + device + "/commands", TOKEN,
                                sendBody(key));
                        if (reply.status() == 201) {
                            returned.put(key, new String[] {device, reply.data().get("id").asText()});
                        }
                    } catch (RuntimeException serverGone) {
                        // The call in flight when the server died: its id was never returned.
                    }
                }
            }));
        }
        Await.until("commands returned before the kill", () -> returned.size() >= RETURNED_BEFORE_KILL);
        server.destroyForcibly().waitFor();
        sending.set(false);
        for (Thread sender : senders) {
            sender.join(Duration.ofSeconds(30));
        }
        Map<String, String[]> returnedBeforeKill = Map.copyOf(returned);
        Set<String> acceptedBeforeKill = returnedBeforeKill.values().stream().map(sent -> sent[1])
                .collect(Collectors.toUnmodifiableSet());

        int restarted = startServer();
        RestClient after = RestClient.forPort(restarted);
        for (String id : acceptedBeforeKill) {
            assertThat(after.get("/api/v1/commands/" + id, TOKEN).status()).as("command %s stored", id)
                    .isEqualTo(200);
        }
        returnedBeforeKill.forEach((key, sent) -> assertThat(after.post("/api/v1/devices/" + sent[0] + "/commands",
                TOKEN, sendBody(key)).data().get("id").asText()).as("the command stored under key %s", key)
                .isEqualTo(sent[1]));
        responders.forEach(responder -> responder.connect(restarted));
        Await.until("every returned command SUCCEEDED after the restart", Duration.ofSeconds(90), () ->
                acceptedBeforeKill.stream().allMatch(id -> "SUCCEEDED".equals(
                        after.get("/api/v1/commands/" + id, TOKEN).data().get("state").asText())));
    }

    private static String sendBody(String idempotencyKey) {
        return "{\"name\":\"crash.noop\",\"timeout_ms\":600000,\"idempotency_key\":\"" + idempotencyKey + "\"}";
    }

    private int startServer() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = Files.createTempFile("roost-crash-server", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"),
                "-Dserver.port=" + port,
                "-Droost.db.url=jdbc:mariadb://127.0.0.1:3306/" + database,
                "-Droost.db.username=root", "-Droost.db.password=",
                "-Droost.admin.token=" + TOKEN, "-Droost.bcrypt.cost=4",
                "dev.roost.server.Main")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RestClient rest = RestClient.forPort(port);
        Await.until("server up (log " + log + ")", Duration.ofSeconds(60), () -> {
            try {
                return rest.get("/observe/health", TOKEN).status() == 200;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
        return port;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(SERVER_URL);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * A device that answers every command (ack, then result) and, like the agent's journal, keeps
     * each result until the server acknowledged it, sending the unacknowledged ones again after a
     * reconnect.
     */
    private static final class Responder {
        private final String[] device;
        private final Map<String, String> unacknowledged = new ConcurrentHashMap<>();
        private volatile TestDevice link;
        private volatile boolean stopped;

        Responder(String[] device) {
            this.device = device;
        }

        void connect(int port) {
            TestDevice fresh = TestDevice.connect(port);
            fresh.authenticate(device[0], device[1]);
            link = fresh;
            unacknowledged.values().forEach(result -> fresh.send("command_result", result));
            Thread.ofVirtual().start(() -> answer(fresh));
        }

        private void answer(TestDevice own) {
            while (!stopped && link == own && !own.isClosed()) {
                JsonNode message;
                try {
                    message = own.next(m -> m.path("type").asText().startsWith("command"));
                } catch (AssertionError quiet) {
                    continue;
                }
                String id = message.at("/body/command_id").asText();
                if ("command_result_ack".equals(message.path("type").asText())) {
                    unacknowledged.remove(id);
                } else if ("command".equals(message.path("type").asText())) {
                    String result = "{\"command_id\":\"" + id + "\",\"status\":\"succeeded\",\"code\":0,"
                            + "\"result\":{},\"message\":\"done\"}";
                    unacknowledged.put(id, result);
                    own.sendRaw("{\"type\":\"command_ack\",\"id\":\"a-" + id + "\",\"reply_to\":\""
                            + message.get("id").asText() + "\",\"body\":{\"command_id\":\"" + id + "\"}}");
                    own.send("command_result", result);
                }
            }
        }

        void stop() {
            stopped = true;
            if (link != null) {
                link.abort();
            }
        }
    }
}
