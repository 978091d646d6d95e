package dev.roost.edge.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * Gets the simulator its devices: registers them through the northbound REST API
 * ({@code POST /api/v1/devices} with an operator or admin token), or reads a file of
 * {@code id,secret} lines.
 */
public final class Provisioner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "SIM";

    private Provisioner() {
    }

    /** What a registration run got: the devices it registered and, for each one it could not, why. */
    public record Registration(List<DeviceCredential> devices, List<String> failures) {
    }

    /**
     * How registration requests are made.
     *
     * @param requestTimeout how long one request may take before it counts as failed
     * @param attempts       tries per device: a timeout, a connection error, 429 or 5xx is tried again
     * @param retryDelay     the wait before the second try; it doubles for each further one
     */
    public record Retries(Duration requestTimeout, int attempts, Duration retryDelay) {
        public static final Retries DEFAULT = new Retries(Duration.ofSeconds(30), 4, Duration.ofMillis(500));
    }

    /** Registers {@code count} devices; throws unless every one of them was registered. */
    public static List<DeviceCredential> register(URI apiBase, String token, int count, String namePrefix,
                                                  int parallelism) throws Exception {
        Registration registration = register(apiBase, Optional.empty(), token, count, namePrefix, parallelism,
                Retries.DEFAULT);
        if (!registration.failures().isEmpty()) {
            throw new IOException(registration.failures().size() + " of " + count + " registrations failed, first: "
                    + registration.failures().getFirst());
        }
        return registration.devices();
    }

    /**
     * Registers {@code count} devices, each tried up to {@code retries.attempts()} times. A try that
     * timed out may have registered the device without the answer arriving (its secret is then
     * unknown): the next try is refused as a duplicate (409, the serial is unique to this run), and
     * the device is taken over by looking it up by its hardware and rotating its secret. A refused
     * token (401, 403) stops the run: every other request would be refused too.
     *
     * @param tls trust (and client certificate) for an {@code https://} API base; the JDK's defaults when empty
     */
    public static Registration register(URI apiBase, Optional<SSLContext> tls, String token, int count,
                                        String namePrefix, int parallelism, Retries retries)
            throws InterruptedException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        tls.ifPresent(builder::sslContext);
        Api api = new Api(builder.build(), apiBase, token, retries.requestTimeout());
        Semaphore permits = new Semaphore(parallelism);
        String run = UUID.randomUUID().toString().substring(0, 8);
        AtomicReference<String> tokenRefused = new AtomicReference<>();
        List<Future<DeviceCredential>> pending = new ArrayList<>(count);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                String name = namePrefix + "-" + run + "-" + i;
                String serial = "SIM-" + run + "-" + i;
                pending.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        if (tokenRefused.get() != null) {
                            throw new IOException("not tried: " + tokenRefused.get());
                        }
                        return registerOne(api, name, serial, retries, tokenRefused);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<DeviceCredential> devices = new ArrayList<>(count);
            List<String> failures = new ArrayList<>();
            for (Future<DeviceCredential> future : pending) {
                try {
                    devices.add(future.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    failures.add(cause.getMessage() != null ? cause.getMessage() : cause.toString());
                }
            }
            return new Registration(devices, failures);
        }
    }

    /** The REST calls registration makes. */
    private record Api(HttpClient http, URI base, String token, Duration timeout) {
        HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + token)
                    .timeout(timeout);
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static DeviceCredential registerOne(Api api, String name, String serial, Retries retries,
                                                AtomicReference<String> tokenRefused)
            throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("name", name)
                .set("hardware", JSON.createObjectNode().put("serial", serial).put("model", MODEL)).toString();
        String lastFailure = "";
        boolean mayExist = false;
        Duration delay = retries.retryDelay();
        for (int attempt = 1; attempt <= retries.attempts(); attempt++) {
            if (attempt > 1) {
                Thread.sleep(delay);
                delay = delay.multipliedBy(2);
            }
            HttpResponse<String> response;
            try {
                response = api.send("POST", "/api/v1/devices", body);
            } catch (HttpTimeoutException e) {
                lastFailure = "no answer within " + retries.requestTimeout().toMillis() + " ms";
                mayExist = true;
                continue;
            } catch (IOException e) {
                lastFailure = e.toString();
                mayExist = true;
                continue;
            }
            int status = response.statusCode();
            if (status == 201) {
                JsonNode data = JSON.readTree(response.body()).get("data");
                return new DeviceCredential(data.at("/device/id").asText(), data.get("secret").asText());
            }
            if (status == 409 && mayExist) {
                return takeOver(api, name, serial);
            }
            lastFailure = "HTTP " + status + " " + response.body();
            mayExist |= status >= 500;
            if (status == 401 || status == 403) {
                tokenRefused.compareAndSet(null, "the token was refused (HTTP " + status + ")");
                break;
            }
            if (status != 429 && status < 500) {
                break;
            }
        }
        throw new IOException("registering " + name + " (serial " + serial + ") failed: " + lastFailure);
    }

    /** An earlier try registered the device but its answer (with the secret) was lost: a new secret. */
    private static DeviceCredential takeOver(Api api, String name, String serial)
            throws IOException, InterruptedException {
        HttpResponse<String> found = api.send("GET", "/api/v1/devices/by-hardware?serial="
                + URLEncoder.encode(serial, StandardCharsets.UTF_8) + "&model=" + MODEL, null);
        if (found.statusCode() != 200) {
            throw new IOException("registering " + name + " (serial " + serial + "): it exists, but looking it up "
                    + "failed: HTTP " + found.statusCode() + " " + found.body());
        }
        String id = JSON.readTree(found.body()).at("/data/id").asText();
        HttpResponse<String> rotated = api.send("POST", "/api/v1/devices/" + id + "/rotate-secret", null);
        if (rotated.statusCode() != 200) {
            throw new IOException("registering " + name + " (serial " + serial + "): it exists as " + id
                    + ", but rotating its secret failed: HTTP " + rotated.statusCode() + " " + rotated.body());
        }
        return new DeviceCredential(id, JSON.readTree(rotated.body()).at("/data/secret").asText());
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
