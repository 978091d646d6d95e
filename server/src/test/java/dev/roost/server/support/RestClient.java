package dev.roost.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JDK HttpClient wrapper that sends JSON and parses the response envelope. */
public final class RestClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;

    /** A client of the server listening on 127.0.0.1:{@code port} (one started outside this JVM). */
    public static RestClient forPort(int port) {
        return new RestClient("http://127.0.0.1:" + port);
    }

    /** A client for a server at {@code base}, e.g. {@code http://127.0.0.1:8080}. */
    public static RestClient to(String base) {
        return new RestClient(base);
    }

    RestClient(String base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    RestClient(String base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    /** A client of any HTTP/1.1 endpoint, e.g. a load balancer in front of the servers. */
    public static RestClient http1(String base) {
        return new RestClient(base, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** A response: its HTTP status and its parsed JSON body (null when the body is not JSON). */
    public record Reply(int status, JsonNode body, String raw) {
        public JsonNode data() {
            return body.get("data");
        }

        public String type() {
            return body.path("type").asText();
        }

        public String message() {
            return body.path("message").asText();
        }
    }

    public Reply get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Reply delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public Reply post(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply patch(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A request with full control over headers and body. */
    public Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = JSON.readTree(response.body());
            } catch (IOException notJson) {
                body = null;
            }
            return new Reply(response.statusCode(), body, response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }
}
