package dev.roost.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator's side: sends {@value WorkHandler#NAME} commands over REST and remembers every one the
 * API accepted (201), then asks the server what became of them. A send that failed or timed out is
 * counted as refused, never as accepted.
 */
final class CommandLedger {
    static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "EXPIRED", "CANCELLED");

    record Accepted(String id, String deviceId, String phase) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String token;
    private final Duration commandTimeout;
    private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final URI api;

    CommandLedger(URI api, String token, Duration commandTimeout) {
        this.api = api;
        this.token = token;
        this.commandTimeout = commandTimeout;
    }

    List<Accepted> accepted() {
        return accepted;
    }

    int refused() {
        return refused.get();
    }

    /** Sends one command; @return true when the API accepted it */
    boolean send(String deviceId, long workMs, String phase) {
        String body = json.createObjectNode().put("name", WorkHandler.NAME)
                .put("timeout_ms", commandTimeout.toMillis())
                .set("params", json.createObjectNode().put("work_ms", workMs).put("phase", phase)).toString();
        try {
            HttpResponse<String> response = http.send(request("/api/v1/devices/" + deviceId + "/commands")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 201) {
                accepted.add(new Accepted(json.readTree(response.body()).at("/data/id").asText(), deviceId, phase));
                return true;
            }
        } catch (IOException e) {
            // refused: the server is down, frozen or answered nothing in time
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        refused.incrementAndGet();
        return false;
    }

    /** The command's state as the server answers it now; empty when it does not know the command. */
    Optional<String> state(String commandId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/api/v1/commands/" + commandId).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET command " + commandId + ": HTTP " + response.statusCode() + " " + response.body());
        }
        JsonNode data = json.readTree(response.body()).get("data");
        return Optional.of(data.path("state").asText().toUpperCase(Locale.ROOT));
    }

    /** Every accepted command's state now ({@code MISSING} when unknown), keyed by id. */
    Map<String, String> states() throws IOException, InterruptedException {
        Map<String, String> states = new ConcurrentHashMap<>();
        for (Accepted command : accepted) {
            states.put(command.id(), state(command.id()).orElse("MISSING"));
        }
        return states;
    }

    /** Waits (bounded) until every accepted command is final; @return the last states read */
    Map<String, String> settle(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> states = states();
        while (System.nanoTime() < deadline && !states.values().stream().allMatch(FINAL::contains)) {
            Await.pause(Duration.ofSeconds(1));
            states = states();
        }
        return states;
    }

    static Map<String, Long> histogram(Map<String, String> states) {
        Map<String, Long> counts = new TreeMap<>();
        states.values().forEach(state -> counts.merge(state, 1L, Long::sum));
        return counts;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(api.resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10));
    }
}
