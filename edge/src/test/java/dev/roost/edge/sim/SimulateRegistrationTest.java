package dev.roost.edge.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code simulate} registering through an unreliable REST front: lost answers are retried (and the
 * device taken over), failures are reported, and the devices file holds every device that exists.
 */
class SimulateRegistrationTest {
    private TestServer server;
    private HttpServer front;
    private final CountDownLatch released = new CountDownLatch(1);
    private final HttpClient backend = HttpClient.newHttpClient();
    /** How the front treats a registration, by the serial's index: absent = forwarded. */
    private volatile Function<Integer, Behaviour> behaviour = index -> Behaviour.FORWARD;
    private final Set<Integer> seen = ConcurrentHashMap.newKeySet();

    @TempDir
    Path dir;

    private enum Behaviour { FORWARD, FORWARD_THEN_HANG, UNAVAILABLE }

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(Map.of("southbound.heartbeat-interval", "PT0.3S"));
        front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        front.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        front.createContext("/", this::handle);
        front.start();
    }

    @AfterEach
    void stop() {
        released.countDown();
        front.stop(0);
        server.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String text = new String(body, StandardCharsets.UTF_8);
        Behaviour what = Behaviour.FORWARD;
        if (exchange.getRequestMethod().equals("POST") && exchange.getRequestURI().getPath().equals("/api/v1/devices")) {
            int index = Integer.parseInt(text.replaceAll("(?s).*\"serial\":\"SIM-[0-9a-f]+-(\\d+)\".*", "$1"));
            what = behaviour.apply(index);
            if (what == Behaviour.FORWARD_THEN_HANG && !seen.add(index)) {
                what = Behaviour.FORWARD; // only the first try is lost
            }
        }
        if (what == Behaviour.UNAVAILABLE) {
            reply(exchange, 503, "{\"status\":\"fail\",\"type\":\"UNAVAILABLE\",\"message\":\"try later\"}");
            return;
        }
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : List.of("Authorization", "Content-Type")) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) {
                forward.header(header, value);
            }
        }
        HttpResponse<String> response;
        try {
            response = backend.send(forward.build(), HttpResponse.BodyHandlers.ofString());
            if (what == Behaviour.FORWARD_THEN_HANG) {
                // Registered on the server, but the answer with the secret never reaches the simulator.
                released.await(30, TimeUnit.SECONDS);
                exchange.close();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
            return;
        }
        reply(exchange, response.statusCode(), response.body());
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run simulate(String... args) {
        return simulateWithToken(ADMIN_TOKEN, args);
    }

    private Run simulateWithToken(String token, String... args) {
        List<String> all = new ArrayList<>(List.of("--server-url", "ws://127.0.0.1:" + server.port() + "/ws",
                "--api-url", "http://127.0.0.1:" + front.getAddress().getPort(), "--admin-token", token,
                "--io-threads", "1", "--rate", "100", "--status-interval", "PT0.2S", "--duration", "PT0.5S",
                "--register-timeout", "PT1S", "--token-save-every", "PT0S"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new SimulateCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void aLostAnswer_isRetried_andTheDeviceTakenOver_aFailingOneIsReported_andTheFileHoldsTheRest()
            throws Exception {
        behaviour = index -> switch (index) {
            case 2 -> Behaviour.FORWARD_THEN_HANG;
            case 4 -> Behaviour.UNAVAILABLE;
            default -> Behaviour.FORWARD;
        };
        Path devicesFile = dir.resolve("devices.csv");

        Run run = simulate("--devices", "6", "--save-devices", devicesFile.toString(), "--register-attempts", "2");

        assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
        assertThat(run.out()).contains("registered 5 devices").contains("1 devices not registered:")
                .containsPattern("registering sim-[0-9a-f]+-4 \\(serial SIM-[0-9a-f]+-4\\) failed: HTTP 503")
                .contains("all 5 devices connected")
                .contains("SUMMARY registration registered=5 failed=1");
        List<DeviceCredential> saved = Provisioner.read(devicesFile);
        assertThat(saved).hasSize(5);
        assertThat(saved.stream().map(DeviceCredential::id).distinct()).hasSize(5);
        assertThat(run.err()).as("no stack trace, no warning").isEmpty();
    }

    @Test
    void refusals_areLoggedOnOneLineEach() throws Exception {
        Path devicesFile = dir.resolve("wrong.csv");
        String[] device = server.registerDevice("refused");
        Provisioner.write(devicesFile, List.of(new DeviceCredential(device[0], "wrong-secret-0123456789")));

        Run run = simulate("--devices-file", devicesFile.toString(), "--devices", "0");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("not every device connected in time");
        List<String> refusals = run.err().lines().filter(line -> line.contains("authentication refused")).toList();
        assertThat(refusals).isNotEmpty().allSatisfy(line -> assertThat(line)
                .matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z WARNING ConnectionManager: authentication refused: "
                        + "INVALID_CREDENTIALS .*"));
        assertThat(run.err().lines()).as("nothing but one-line records").allSatisfy(line -> assertThat(line)
                .matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z (WARNING|SEVERE) \\w+: .*"));
    }

    @Test
    void aRefusedToken_stopsRegistering_andNothingIsWritten() {
        Path devicesFile = dir.resolve("none.csv");

        Run run = simulateWithToken("not-the-admin-token-0123456789", "--devices", "20", "--save-devices",
                devicesFile.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("registered 0 devices").contains("20 devices not registered (the first 5):")
                .contains("HTTP 401").contains("SUMMARY registration registered=0 failed=20");
        assertThat(devicesFile).doesNotExist();
    }
}
