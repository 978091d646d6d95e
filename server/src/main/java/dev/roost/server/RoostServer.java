package dev.roost.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roost.server.common.Json;
import dev.roost.server.common.Snowflake;
import dev.roost.server.device.DeviceService;
import dev.roost.server.device.JdbcDeviceStore;
import dev.roost.server.group.GroupService;
import dev.roost.server.group.JdbcGroupStore;
import dev.roost.server.northbound.grpc.AccessGrpcService;
import dev.roost.server.northbound.grpc.DeviceGrpcService;
import dev.roost.server.northbound.grpc.EventGrpcService;
import dev.roost.server.northbound.grpc.GroupGrpcService;
import dev.roost.server.northbound.grpc.GrpcAuthInterceptor;
import dev.roost.server.northbound.grpc.GrpcErrorInterceptor;
import dev.roost.server.northbound.rest.AccessHttpService;
import dev.roost.server.northbound.rest.DeviceHttpService;
import dev.roost.server.northbound.rest.EventHttpService;
import dev.roost.server.northbound.rest.GroupHttpService;
import dev.roost.server.northbound.rest.RestAuthFilter;
import dev.roost.server.northbound.rest.RestErrors;
import dev.roost.server.northbound.rest.RestJson;
import dev.roost.server.northbound.rest.SeedHttpService;
import dev.roost.server.security.AccessService;
import dev.roost.server.security.AuthFailureLimiter;
import dev.roost.server.security.Authenticator;
import dev.roost.server.security.JdbcAccessStore;
import dev.roost.server.security.SecretHasher;
import dev.roost.server.storage.Database;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import io.helidon.config.Config;
import io.helidon.health.HealthCheckType;
import io.helidon.openapi.OpenApiFeature;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.grpc.GrpcReflectionFeature;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import java.time.Clock;
import java.util.Optional;

/**
 * Builds Roost's components from its settings and wires them into one Helidon WebServer: REST,
 * gRPC and observability on one port. {@code main} and the tests both start the server here.
 */
public final class RoostServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RoostServer.class.getName());

    private final WebServer webServer;
    private final Database database;
    private final HealthStatusManager grpcHealth;
    private final Optional<String> generatedAdminToken;

    private RoostServer(WebServer webServer, Database database, HealthStatusManager grpcHealth,
                        Optional<String> generatedAdminToken) {
        this.webServer = webServer;
        this.database = database;
        this.grpcHealth = grpcHealth;
        this.generatedAdminToken = generatedAdminToken;
    }

    /**
     * Opens the database, migrates it, builds the services and starts listening.
     *
     * @param serverConfig the {@code server} node (port, host, Helidon listener settings)
     * @param settings     Roost's validated settings
     */
    public static RoostServer start(Config serverConfig, ServerSettings settings) {
        Database database = Database.open(settings.db());
        try {
            // Millisecond ticks: what the API returns at once equals what it reads back later.
            Clock clock = Clock.tick(Clock.systemUTC(), java.time.Duration.ofMillis(1));
            ObjectMapper json = Json.newMapper();
            Snowflake ids = Snowflake.create(settings.nodeId());
            SecretHasher hasher = new SecretHasher(settings.bcryptCost());

            JdbcDeviceStore deviceStore = new JdbcDeviceStore(database, json);
            DeviceService devices = new DeviceService(deviceStore, ids, hasher, clock);
            GroupService groups = new GroupService(new JdbcGroupStore(database), deviceStore, ids, clock);
            JdbcAccessStore accessStore = new JdbcAccessStore(database);
            AuthFailureLimiter limiter = new AuthFailureLimiter(settings.maxAuthFailures(),
                    settings.authFailureWindow(), clock);
            Authenticator authenticator = new Authenticator(accessStore, hasher, limiter, settings.authCacheTtl(), clock);
            AccessService access = new AccessService(accessStore, authenticator, limiter, hasher, ids, clock);
            Optional<String> bootstrapped = access.bootstrap(settings.adminToken());
            Optional<String> generated = settings.adminToken().isPresent() ? Optional.empty() : bootstrapped;
            if (bootstrapped.isPresent() && settings.adminToken().isPresent()) {
                LOG.log(System.Logger.Level.INFO, "Created the initial admin token from roost.admin.token");
            }

            RestJson restJson = new RestJson(json, settings.maxBodyBytes());
            HealthStatusManager grpcHealth = new HealthStatusManager();

            WebServerConfig.Builder builder = WebServer.builder()
                    .config(serverConfig)
                    .addFeature(ObserveFeature.builder()
                            .addObserver(HealthObserver.builder()
                                    .details(true)
                                    .addCheck(() -> io.helidon.health.HealthCheckResponse.builder()
                                            .status(database.isReachable())
                                            .build(), HealthCheckType.READINESS, "database")
                                    .build())
                            .addObserver(MetricsObserver.create())
                            .build())
                    .addFeature(OpenApiFeature.create())
                    .addFeature(GrpcReflectionFeature.builder().enabled(true).build())
                    .routing(routing -> httpRouting(routing, restJson, authenticator, devices, groups, access))
                    .addRouting(GrpcRouting.builder()
                            .intercept(new GrpcErrorInterceptor(), new GrpcAuthInterceptor(authenticator))
                            .service(new DeviceGrpcService(devices))
                            .service(new GroupGrpcService(groups))
                            .service(new AccessGrpcService(access))
                            .service(new EventGrpcService(devices))
                            .service(grpcHealth.getHealthService()));
            settings.tls().ifPresent(files -> builder.tls(tls(files)));
            WebServer webServer = builder.build().start();
            grpcHealth.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
            return new RoostServer(webServer, database, grpcHealth, generated);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    static void httpRouting(HttpRouting.Builder routing, RestJson json, Authenticator authenticator,
                            DeviceService devices, GroupService groups, AccessService access) {
        routing.addFilter(new RestAuthFilter(authenticator, json))
                .register("/api/v1/devices", new DeviceHttpService(devices, groups, json))
                .register("/api/v1/groups", new GroupHttpService(groups, json))
                .register("/api/v1/events", new EventHttpService(devices, json))
                .register("/api/v1", new AccessHttpService(access, json))
                .register("/service/devices_manage", new SeedHttpService(devices, json));
        RestErrors.register(routing, json);
    }

    private static Tls tls(ServerSettings.TlsFiles files) {
        Keys keys = Keys.builder()
                .pem(pem -> pem.key(Resource.create(files.privateKey()))
                        .certChain(Resource.create(files.certificate())))
                .build();
        return Tls.builder()
                .privateKey(keys.privateKey().orElseThrow())
                .privateKeyCertChain(keys.certChain())
                .build();
    }

    public int port() {
        return webServer.port();
    }

    /** The admin token generated on first start, to be shown once; empty otherwise. */
    public Optional<String> generatedAdminToken() {
        return generatedAdminToken;
    }

    @Override
    public void close() {
        grpcHealth.enterTerminalState();
        webServer.stop();
        database.close();
    }
}
