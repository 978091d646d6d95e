package dev.roost.server.support;

import dev.roost.server.RoostServer;
import dev.roost.server.ServerSettings;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.EnvironmentVariables;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The real server on an ephemeral port over a fresh database, with a real gRPC channel and a real
 * HTTP client. bcrypt runs at its lowest cost so that tests stay fast.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    private final TestDatabase database;
    private final boolean ownsDatabase;
    private final RoostServer server;
    private final ManagedChannel channel;
    private final RestClient rest;

    private TestServer(TestDatabase database, boolean ownsDatabase, RoostServer server) {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.server = server;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        this.rest = new RestClient("http://127.0.0.1:" + server.port());
    }

    private TestServer(TestDatabase database, RoostServer server, Path caFile, Optional<TestPki.Issued> client) {
        this.database = database;
        this.ownsDatabase = true;
        this.server = server;
        try {
            SslContextBuilder grpcTls = GrpcSslContexts.forClient().trustManager(caFile.toFile());
            client.ifPresent(c -> grpcTls.keyManager(c.certificate().toFile(), c.privateKey().toFile()));
            this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).sslContext(grpcTls.build())
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
        this.rest = new RestClient("https://127.0.0.1:" + server.port(), HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5)).sslContext(TestPki.clientContext(caFile, client)).build());
    }

    /**
     * A server speaking TLS: {@code roostOverrides} carry {@code tls.cert}, {@code tls.key} and any
     * client-certificate settings. Its REST client and gRPC channel trust {@code caFile} and present
     * {@code client} when given.
     */
    public static TestServer startTls(Map<String, String> roostOverrides, Path caFile,
                                      Optional<TestPki.Issued> client) {
        TestDatabase database = TestDatabase.create();
        try {
            return new TestServer(database, RoostServer.start(serverConfig(0), settings(database, roostOverrides)),
                    caFile, client);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public static TestServer start() {
        return start(Map.of());
    }

    /** @param roostOverrides keys under {@code roost} (e.g. "auth.max-failures") and their values */
    public static TestServer start(Map<String, String> roostOverrides) {
        TestDatabase database = TestDatabase.create();
        try {
            return new TestServer(database, true, RoostServer.start(serverConfig(0), settings(database, roostOverrides)));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * A server whose {@code server} section is overridden by {@code environment}, read the way
     * {@code Main} reads the process environment (e.g. {@code SERVER_PROTOCOLS_HTTP2_MAX_DASH_RAPID_DASH_RESETS}).
     */
    public static TestServer startWithEnvironment(Map<String, String> environment) {
        TestDatabase database = TestDatabase.create();
        try {
            return new TestServer(database, true, RoostServer.start(serverConfig(0, environment),
                    settings(database, Map.of())));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** A server whose every timeout, expiry and timestamp reads {@code clock} (a {@link ManualClock}). */
    public static TestServer start(Map<String, String> roostOverrides, Clock clock) {
        TestDatabase database = TestDatabase.create();
        try {
            return new TestServer(database, true, RoostServer.start(serverConfig(0), settings(database, roostOverrides),
                    clock));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** A server over a database the caller owns (for restart tests); closing it keeps the database. */
    public static TestServer start(TestDatabase database, Map<String, String> roostOverrides) {
        return new TestServer(database, false, RoostServer.start(serverConfig(0), settings(database, roostOverrides)));
    }

    /** Like {@link #start(TestDatabase, Map)} on a chosen port, so that clients find a restarted server. */
    public static TestServer start(TestDatabase database, Map<String, String> roostOverrides, int port) {
        return new TestServer(database, false, RoostServer.start(serverConfig(port), settings(database, roostOverrides)));
    }

    /** Like {@link #start(TestDatabase, Map, int)} on {@code clock}. */
    public static TestServer start(TestDatabase database, Map<String, String> roostOverrides, int port, Clock clock) {
        return new TestServer(database, false, RoostServer.start(serverConfig(port), settings(database, roostOverrides),
                clock));
    }

    /** Like {@link #start(TestDatabase, Map)} on {@code clock}. */
    public static TestServer start(TestDatabase database, Map<String, String> roostOverrides, Clock clock) {
        return start(database, roostOverrides, 0, clock);
    }

    public static ServerSettings settings(TestDatabase database, Map<String, String> roostOverrides) {
        Map<String, String> values = new java.util.HashMap<>(Map.of(
                "db.url", database.settings().url(),
                "db.username", database.settings().username(),
                "db.password", database.settings().password(),
                "bcrypt.cost", "4",
                "admin.token", ADMIN_TOKEN));
        values.putAll(roostOverrides);
        return ServerSettings.create(Config.just(ConfigSources.create(values)));
    }

    /** The {@code server} section of the shipped application.yaml, on loopback and the given port. */
    private static Config serverConfig(int port) {
        return serverConfig(port, Map.of());
    }

    private static Config serverConfig(int port, Map<String, String> environment) {
        return Config.builder()
                .sources(ConfigSources.create(Map.of("server.port", Integer.toString(port), "server.host", "127.0.0.1")),
                        ConfigSources.create(EnvironmentVariables.expand(environment)),
                        ConfigSources.classpath("application.yaml"))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build()
                .get("server");
    }

    public int port() {
        return server.port();
    }

    public ManagedChannel channel() {
        return channel;
    }

    public RestClient rest() {
        return rest;
    }

    public RoostServer server() {
        return server;
    }

    /** Registers a device over REST; returns {id, secret}. */
    public String[] registerDevice(String name) {
        RestClient.Reply reply = rest.post("/api/v1/devices", ADMIN_TOKEN, "{\"name\":\"" + name
                + "\",\"hardware\":{\"serial\":\"" + java.util.UUID.randomUUID() + "\",\"model\":\"TEST\"}}");
        if (reply.status() != 201) {
            throw new AssertionError("register failed: " + reply.raw());
        }
        return new String[] {reply.data().at("/device/id").asText(), reply.data().get("secret").asText()};
    }

    public Optional<String> generatedAdminToken() {
        return server.generatedAdminToken();
    }

    /** Per-call credentials sending "authorization: Bearer {@code token}". */
    public static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    /** A deadline for test calls: long enough never to fire on a healthy server. */
    public static final Duration CALL_DEADLINE = Duration.ofSeconds(20);

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        if (ownsDatabase) {
            database.close();
        }
    }
}
