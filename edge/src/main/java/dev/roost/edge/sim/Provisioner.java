package dev.roost.edge.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;

/**
 * Gets the simulator its devices: registers them through the northbound REST API
 * ({@code POST /api/v1/devices} with an operator or admin token), or reads a file of
 * {@code id,secret} lines.
 */
public final class Provisioner {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Provisioner() {
    }

    public static List<DeviceCredential> register(URI apiBase, String token, int count, String namePrefix,
                                                  int parallelism) throws Exception {
        return register(apiBase, Optional.empty(), token, count, namePrefix, parallelism);
    }

    /** @param tls trust (and client certificate) for an {@code https://} API base; the JDK's defaults when empty */
    public static List<DeviceCredential> register(URI apiBase, Optional<SSLContext> tls, String token, int count,
                                                  String namePrefix, int parallelism) throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        tls.ifPresent(builder::sslContext);
        HttpClient http = builder.build();
        Semaphore permits = new Semaphore(parallelism);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Future<DeviceCredential>> pending = new ArrayList<>(count);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                int index = i;
                pending.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        return registerOne(http, apiBase, token, namePrefix + "-" + run + "-" + index,
                                "SIM-" + run + "-" + index);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<DeviceCredential> devices = new ArrayList<>(count);
            for (Future<DeviceCredential> future : pending) {
                devices.add(future.get());
            }
            return devices;
        }
    }

    private static DeviceCredential registerOne(HttpClient http, URI apiBase, String token, String name,
                                                String serial) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("name", name)
                .set("hardware", JSON.createObjectNode().put("serial", serial).put("model", "SIM")).toString();
        HttpRequest request = HttpRequest.newBuilder(apiBase.resolve("/api/v1/devices"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("registering " + name + " failed: HTTP " + response.statusCode() + " "
                    + response.body());
        }
        JsonNode data = JSON.readTree(response.body()).get("data");
        return new DeviceCredential(data.at("/device/id").asText(), data.get("secret").asText());
    }

    public static List<DeviceCredential> read(Path file) throws IOException {
        List<DeviceCredential> devices = new ArrayList<>();
        int line = 0;
        for (String text : Files.readAllLines(file)) {
            line++;
            String trimmed = text.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split(",", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IOException(file + ":" + line + ": expected id,secret");
            }
            devices.add(new DeviceCredential(parts[0].trim(), parts[1].trim()));
        }
        return devices;
    }

    public static void write(Path file, List<DeviceCredential> devices) throws IOException {
        StringBuilder text = new StringBuilder();
        for (DeviceCredential device : devices) {
            text.append(device.id()).append(',').append(device.secret()).append('\n');
        }
        // The file holds secrets: readable by its owner only, from the moment it exists.
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
    }
}
