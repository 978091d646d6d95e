package dev.roost.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roost.proto.v1.AccessProto;
import dev.roost.proto.v1.ClusterProto;
import dev.roost.proto.v1.CommandProto;
import dev.roost.proto.v1.DeviceProto;
import dev.roost.proto.v1.EventProto;
import dev.roost.proto.v1.GroupProto;
import dev.roost.proto.v1.LogProto;
import dev.roost.proto.v1.StatusProto;
import dev.roost.protocol.PduCodec;
import dev.roost.server.cluster.ClusterNode;
import dev.roost.server.cluster.ClusterService;
import dev.roost.server.cluster.NodeList;
import dev.roost.server.cluster.NodeInfo;
import dev.roost.server.cluster.OrphanSweeper;
import dev.roost.server.command.CommandService;
import dev.roost.server.command.JdbcCommandStore;
import dev.roost.server.command.StoredTargets;
import dev.roost.server.common.Json;
import dev.roost.server.connection.ConnectionMonitor;
import dev.roost.server.common.Snowflake;
import dev.roost.server.device.DeviceLink;
import dev.roost.server.device.DevicePresence;
import dev.roost.server.device.DeviceService;
import dev.roost.server.device.JdbcDeviceStore;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventInterest;
import dev.roost.server.event.EventRecorder;
import dev.roost.server.event.EventType;
import dev.roost.server.group.GroupService;
import dev.roost.server.group.JdbcGroupStore;
import dev.roost.server.northbound.grpc.AccessGrpcService;
import dev.roost.server.northbound.grpc.CancelledCallInterceptor;
import dev.roost.server.northbound.grpc.ClusterGrpcService;
import dev.roost.server.northbound.grpc.CommandGrpcService;
import dev.roost.server.northbound.grpc.DeviceGrpcService;
import dev.roost.server.northbound.grpc.EventGrpcService;
import dev.roost.server.northbound.grpc.GroupGrpcService;
import dev.roost.server.northbound.grpc.LogGrpcService;
import dev.roost.server.northbound.grpc.GrpcAuthInterceptor;
import dev.roost.server.northbound.grpc.GrpcErrorInterceptor;
import dev.roost.server.northbound.grpc.WatchHeadersInterceptor;
import dev.roost.server.northbound.grpc.JsonCodec;
import dev.roost.server.northbound.grpc.RequestParsing;
import dev.roost.server.northbound.grpc.StatusGrpcService;
import dev.roost.server.northbound.legacy.LegacyOpenAccessFilter;
import dev.roost.server.northbound.legacy.LegacyRestService;
import dev.roost.server.northbound.legacy.LegacyRestSettings;
import dev.roost.server.northbound.rest.AccessHttpService;
import dev.roost.server.northbound.rest.ClusterHttpService;
import dev.roost.server.northbound.rest.CommandHttpService;
import dev.roost.server.northbound.rest.DeviceHttpService;
import dev.roost.server.northbound.rest.EventHttpService;
import dev.roost.server.northbound.rest.GroupHttpService;
import dev.roost.server.northbound.rest.LogHttpService;
import dev.roost.server.northbound.rest.RestAuthFilter;
import dev.roost.server.northbound.rest.RestErrors;
import dev.roost.server.northbound.rest.RestJson;
import dev.roost.server.northbound.rest.StatusHttpService;
import dev.roost.server.observe.RoostMeters;
import dev.roost.server.security.AccessService;
import dev.roost.server.security.AuthFailureLimiter;
import dev.roost.server.security.Authenticator;
import dev.roost.server.security.JdbcAccessStore;
import dev.roost.server.devicelogs.LogService;
import dev.roost.server.devicelogs.SftpReceiver;
import dev.roost.server.security.LoginFailureLimiter;
import dev.roost.server.security.SecretHasher;
import dev.roost.server.southbound.DeviceAuthenticator;
import dev.roost.server.southbound.DeviceChannel;
import dev.roost.server.southbound.FirstFrameRoute;
import dev.roost.server.southbound.SessionCap;
import dev.roost.server.southbound.SessionRegistry;
import dev.roost.server.southbound.SessionTokens;
import dev.roost.server.southbound.Southbound;
import dev.roost.server.southbound.SouthboundSettings;
import dev.roost.server.southbound.v0.V0Dialect;
import dev.roost.server.status.DesiredStateService;
import dev.roost.server.status.JdbcDesiredStateStore;
import dev.roost.server.status.JdbcStatusStore;
import dev.roost.server.status.StatusService;
import dev.roost.server.storage.CountCache;
import dev.roost.server.storage.Database;
import dev.roost.server.storage.RejectedRows;
import dev.roost.server.storage.ServerSecrets;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.common.tls.TlsConfig;
import io.helidon.config.Config;
import io.helidon.health.HealthCheckType;
import io.helidon.openapi.OpenApiFeature;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.grpc.GrpcReflectionFeature;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds Roost's components from its settings and wires them into one Helidon WebServer: REST,
 * gRPC, the device WebSocket and observability on one port. {@code main} and the tests both start
 * the server here.
 *
 * <p>Longer than the ~300 lines a class should have, on purpose: it is the one place where every
 * component is constructed and connected (CONVENTIONS: one wiring method, plain constructors, no
 * container), so it names each of them once; split across files, the order in which they are built
 * and closed would be harder to see, not easier.
 */
public final class RoostServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RoostServer.class.getName());
    private static final Duration EVENT_FLUSH_INTERVAL = Duration.ofMillis(200);
    private static final Duration CLUSTER_DEVICE_CACHE_AGE = Duration.ofMinutes(10);
    /** Files left for the database pool, jars, logs and JFR when sizing the connection limit. */
    private static final int FILES_KEPT_FREE = 512;

    private final WebServer webServer;
    private final HealthStatusManager grpcHealth;
    private final Optional<String> generatedAdminToken;
    private final SessionRegistry sessions;
    private final StatusService status;
    private final Optional<ClusterNode> cluster;
    private final ConnectionMonitor connections;
    private final V0Dialect v0;
    private final Optional<SftpReceiver> logReceiver;
    private final CancelledCallInterceptor cancelledCalls;
    /** Closed in this order on shutdown. */
    private final List<AutoCloseable> closeables;

    private RoostServer(WebServer webServer, HealthStatusManager grpcHealth, Optional<String> generatedAdminToken,
                        SessionRegistry sessions, StatusService status, Optional<ClusterNode> cluster,
                        ConnectionMonitor connections, V0Dialect v0, Optional<SftpReceiver> logReceiver,
                        CancelledCallInterceptor cancelledCalls, List<AutoCloseable> closeables) {
        this.webServer = webServer;
        this.grpcHealth = grpcHealth;
        this.generatedAdminToken = generatedAdminToken;
        this.sessions = sessions;
        this.status = status;
        this.cluster = cluster;
        this.connections = connections;
        this.v0 = v0;
        this.logReceiver = logReceiver;
        this.cancelledCalls = cancelledCalls;
        this.closeables = closeables;
    }

    /**
     * Opens the database, migrates it, builds the services and starts listening.
     *
     * @param serverConfig the {@code server} node (port, host, Helidon listener settings)
     * @param settings     Roost's validated settings
     */
    public static RoostServer start(Config serverConfig, ServerSettings settings) {
        // Millisecond ticks: what the API returns at once equals what it reads back later.
        return start(serverConfig, settings, Clock.tick(Clock.systemUTC(), Duration.ofMillis(1)));
    }

    /**
     * Like {@link #start(Config, ServerSettings)} on the given clock: every timeout, expiry and
     * timestamp of the server reads it (tests move it by hand instead of waiting).
     */
    public static RoostServer start(Config serverConfig, ServerSettings settings, Clock clock) {
        Database database = Database.open(settings.db());
        List<AutoCloseable> closeables = new ArrayList<>();
        closeables.add(database);
        try {
            ObjectMapper json = Json.newMapper();
            Optional<ClusterNode> cluster = joinCluster(settings, clock);
            cluster.ifPresent(node -> closeables.addFirst(node));
            // In a cluster the worker id leased through NATS is the Snowflake node id: unique among live nodes.
            Snowflake ids = Snowflake.create(cluster.map(ClusterNode::worker).orElse(settings.nodeId()));
            SecretHasher hasher = new SecretHasher(settings.bcryptCost());
            EventBus bus = new EventBus();

            CountCache counts = new CountCache(Duration.ofSeconds(2), clock);
            // One node: the cache is exact (every write goes through it). A cluster node announces its
            // writes and evicts on the other nodes' (and on their presence and lifecycle events); after a
            // NATS outage it forgets everything, and an age bounds what a notice lost otherwise leaves.
            JdbcDeviceStore deviceStore = new JdbcDeviceStore(database, json, counts,
                    cluster.isPresent() ? CLUSTER_DEVICE_CACHE_AGE : Duration.ZERO,
                    devices -> cluster.ifPresent(node -> node.devicesChanged(devices)));
            cluster.ifPresent(node -> node.onReconnect(deviceStore::forgetAll));
            bus.listenRemote(EventInterest.allTypesBut(EventType.STATUS, EventType.COMMAND), event -> {
                if (event.type() != EventType.STATUS && event.type() != EventType.COMMAND) {
                    deviceStore.forget(event.deviceId());
                }
            });
            // In a cluster other nodes hold devices now: only a single node may reset every presence.
            long stale = cluster.isPresent() ? 0 : deviceStore.resetPresence(clock.instant());
            if (stale > 0) {
                LOG.log(System.Logger.Level.INFO, "Marked {0} devices OFFLINE that were ONLINE when the server last "
                        + "stopped", String.valueOf(stale));
            }
            RejectedRows rejectedRows = new RejectedRows();
            EventRecorder recorder = new EventRecorder(deviceStore, bus, rejectedRows, EVENT_FLUSH_INTERVAL);
            closeables.addFirst(recorder);
            DeviceService devices = new DeviceService(deviceStore, ids, hasher, clock, bus);
            JdbcGroupStore groupStore = new JdbcGroupStore(database, counts);
            GroupService groups = new GroupService(groupStore, deviceStore, ids, clock);
            JdbcAccessStore accessStore = new JdbcAccessStore(database);
            AuthFailureLimiter limiter = new AuthFailureLimiter(settings.maxAuthFailures(),
                    settings.authFailureWindow(), clock);
            Authenticator authenticator = new Authenticator(accessStore, hasher, limiter, settings.authCacheTtl(), clock);
            AccessService access = new AccessService(accessStore, authenticator, limiter, hasher, ids, clock);

            SessionRegistry sessions = new SessionRegistry(ids::nextId);
            cluster.ifPresent(node -> node.attach(sessions, sessions::liveEpochs));
            DeviceLink link = cluster.<DeviceLink>map(node -> node).orElse(sessions);
            StatusService status = new StatusService(new JdbcStatusStore(database), deviceStore, link, bus, ids,
                    clock, settings.status(), json, rejectedRows);
            closeables.addFirst(status);
            DesiredStateService desired = new DesiredStateService(new JdbcDesiredStateStore(database, json),
                    deviceStore, link, clock);
            CommandService commands = new CommandService(new JdbcCommandStore(database, json),
                    new StoredTargets(deviceStore, groupStore), link, recorder::record, bus, ids, clock,
                    settings.commands(), status::bootId,
                    cluster.isPresent() ? CommandService.Writers.CLUSTER : CommandService.Writers.THIS_NODE);
            closeables.addFirst(commands);
            SouthboundSettings south = settings.southbound();
            LoginFailureLimiter deviceLogins = new LoginFailureLimiter(south.loginFailuresPerDevice(),
                    south.loginFailuresPerAddress(), south.loginFailureWindow(), south.loginFailureTracking(), clock);
            DeviceAuthenticator deviceAuthenticator = new DeviceAuthenticator(deviceStore, hasher,
                    new SessionTokens(new ServerSecrets(database).getOrCreate("session-token-key")),
                    deviceLogins, clock);
            PduCodec codec = new PduCodec();
            DeviceChannel channel = new DeviceChannel(settings.southbound(), codec, sessions,
                    deviceAuthenticator, recorder, status, desired, commands, bus, ids, clock,
                    cluster.<DevicePresence>map(node -> node).orElse(DevicePresence.SINGLE_NODE));
            cluster.ifPresent(node -> ClusterWiring.connect(node, sessions, channel, bus, deviceStore, codec, json));
            cluster.ifPresent(node -> closeables.addFirst(new OrphanSweeper(node, deviceStore, recorder::record, ids,
                    clock)));
            // The legacy controller's dialect, recognised by its first frame (docs/protocol.md, Legacy v0 dialect).
            V0Dialect v0 = new V0Dialect(deviceAuthenticator, status, commands, json, clock);
            closeables.addFirst(v0);
            Southbound southbound = new Southbound(channel, settings.southbound(), Optional.of(new FirstFrameRoute(v0,
                    channel, sessions, recorder, cluster.<DevicePresence>map(node -> node)
                    .orElse(DevicePresence.SINGLE_NODE), ids, clock, settings.southbound())));
            closeables.addFirst(southbound);
            SessionCap sessionCap = new SessionCap(south.maxSessions(), sessions, clock);
            south.maxSessions().ifPresent(max -> LOG.log(System.Logger.Level.INFO,
                    "Holding at most {0} device sessions (roost.southbound.max-sessions)", String.valueOf(max)));
            LogService logs = new LogService(settings.logs(), deviceStore);
            Optional<SftpReceiver> logReceiver = settings.logs().enabled()
                    ? Optional.of(SftpReceiver.start(settings.logs(), deviceAuthenticator, clock)) : Optional.empty();
            logReceiver.ifPresent(closeables::addFirst);
            ConnectionMonitor connections = new ConnectionMonitor(settings.connections(), clock);
            closeables.add(connections);
            CancelledCallInterceptor cancelledCalls = new CancelledCallInterceptor();
            closeables.addFirst(new RoostMeters(sessions, channel, status, commands, deviceLogins, connections,
                    recorder, rejectedRows, sessionCap, cluster, cancelledCalls));

            ClusterService clusterService = new ClusterService(cluster, new NodeInfo(settings.nodeId(),
                    settings.cluster().nodeName(), clock.instant()), sessions::liveCount);
            RestJson restJson = new RestJson(json, settings.maxBodyBytes());
            JsonCodec grpcJson = new JsonCodec(json);
            CommandHttpService commandHttp = new CommandHttpService(commands, restJson);
            HealthStatusManager grpcHealth = new HealthStatusManager();
            LegacyRestSettings legacyRest = settings.legacyRest();
            if (legacyRest.open()) {
                LOG.log(System.Logger.Level.WARNING, "roost.legacy.rest.open is true: "
                        + LegacyOpenAccessFilter.PATH + " needs no token from " + legacyRest.clientList()
                        + " (anyone there can register, delete and order devices)");
            }

            WebServerConfig.Builder builder = WebServer.builder()
                    .config(serverConfig)
                    // Main's hook closes the server in order (devices are told 1001 before the listener
                    // stops); Helidon's own hook would stop the listener at once, beside it.
                    .shutdownHook(false)
                    .addFeature(ObserveFeature.builder()
                            .addObserver(HealthObserver.builder()
                                    .details(true)
                                    .addCheck(() -> io.helidon.health.HealthCheckResponse.builder()
                                            .status(database.isReachable())
                                            .build(), HealthCheckType.READINESS, "database")
                                    .addCheck(() -> clusterHealth(clusterService), HealthCheckType.READINESS,
                                            "cluster")
                                    .addCheck(() -> legacyHealth(legacyRest), HealthCheckType.READINESS,
                                            "legacy-rest")
                                    .build())
                            .addObserver(MetricsObserver.create())
                            .build())
                    .addFeature(OpenApiFeature.create())
                    .addFeature(GrpcReflectionFeature.builder().enabled(true).build())
                    .addProtocol(Http1Config.builder()
                            .addReceiveListener(connections.http1RequestListener())
                            .addSendListener(connections.http1ResponseListener())
                            .build())
                    .routing(routing -> {
                        // The cap right after the connection bookkeeping: a refused device costs no other filter.
                        routing.addFilter(connections.requestFilter())
                                .addFilter(sessionCap.upgradeFilter())
                                .addFilter(new LegacyOpenAccessFilter(legacyRest))
                                .addFilter(new RestAuthFilter(authenticator, restJson))
                                .register("/api/v1/devices", new DeviceHttpService(devices, groups, restJson),
                                        new StatusHttpService(status, desired, restJson), commandHttp.deviceRoutes(),
                                        new LogHttpService(logs, restJson))
                                .register("/api/v1/groups", new GroupHttpService(groups, restJson),
                                        commandHttp.groupRoutes())
                                .register("/api/v1/events", new EventHttpService(devices, restJson))
                                .register("/api/v1/cluster", new ClusterHttpService(clusterService, restJson))
                                .register("/api/v1", new AccessHttpService(access, restJson),
                                        commandHttp.commandRoutes())
                                .register(LegacyOpenAccessFilter.PATH, new LegacyRestService(devices, groups, status,
                                        commands, json, settings.maxBodyBytes(), clock));
                        RestErrors.register(routing, restJson);
                    })
                    .addRouting(GrpcRouting.builder()
                            // First, so the outermost: it sees every send, the other interceptors' too.
                            .intercept(cancelledCalls)
                            .intercept(new GrpcErrorInterceptor(), new GrpcAuthInterceptor(authenticator))
                            .intercept(connections.grpcInterceptor(), new WatchHeadersInterceptor())
                            // With their file descriptors, so that reflection can describe them; requests
                            // parsed in the call, so that a malformed one is answered INVALID_ARGUMENT.
                            .service(DeviceProto.getDescriptor(), RequestParsing.inCall(new DeviceGrpcService(devices)))
                            .service(GroupProto.getDescriptor(), RequestParsing.inCall(new GroupGrpcService(groups)))
                            .service(AccessProto.getDescriptor(), RequestParsing.inCall(new AccessGrpcService(access)))
                            .service(EventProto.getDescriptor(), RequestParsing.inCall(new EventGrpcService(devices,
                                    groups, bus)))
                            .service(StatusProto.getDescriptor(), RequestParsing.inCall(new StatusGrpcService(status,
                                    desired, groups, bus, grpcJson)))
                            .service(CommandProto.getDescriptor(), RequestParsing.inCall(new CommandGrpcService(
                                    commands, bus, grpcJson)))
                            .service(LogProto.getDescriptor(), RequestParsing.inCall(new LogGrpcService(logs)))
                            .service(ClusterProto.getDescriptor(), RequestParsing.inCall(
                                    new ClusterGrpcService(clusterService)))
                            .service(RequestParsing.inCall(grpcHealth.getHealthService())))
                    .addRouting(southbound.routing());
            settings.tls().ifPresent(files -> {
                builder.tls(tls(files));
                if (files.clientAuth() != TlsClientAuth.NONE && !builder.useNio()) {
                    // Helidon 4.5.0's blocking TLS socket ignores the client-auth setting (it applies
                    // none of the TLS parameters); its NIO socket applies them.
                    LOG.log(System.Logger.Level.INFO, "roost.tls.client-auth is {0}: using NIO sockets "
                            + "(server.use-nio) so that client certificates are asked for",
                            files.clientAuth().name().toLowerCase(java.util.Locale.ROOT));
                    builder.useNio(true);
                }
            });
            connectionLimit(serverConfig).ifPresent(builder::maxTcpConnections);
            builder.connectionOptions(connections.tracking(builder.connectionOptions().orElseGet(SocketOptions::create)));
            WebServer webServer = builder.build();
            // Devices first (told "server shutdown"), then watchers, then the listener, then the flushes.
            closeables.remove(southbound);
            closeables.addFirst(webServer::stop);
            closeables.addFirst(bus::closeSubscriptions);
            closeables.addFirst(southbound);
            webServer.start();
            if (!webServer.isRunning() || webServer.port() <= 0) {
                throw new IllegalStateException("could not listen on port " + serverConfig.get("port").asString()
                        .orElse("9090") + " (in use, or not permitted)");
            }
            // Timeouts of commands left running start only now, with the restart grace from this moment.
            commands.listenerOpened();
            // Only once the server listens: a start that fails must not consume the one-time token.
            Optional<String> generated = Optional.empty();
            if (settings.adminToken().isPresent()) {
                AccessService.ConfiguredAdmin outcome = access.installConfiguredAdmin(settings.adminToken().get());
                LOG.log(System.Logger.Level.INFO, "roost.admin.token (ROOST_ADMIN_TOKEN): {0}", switch (outcome) {
                    case ALREADY_VALID -> "a valid admin token";
                    case INSTALLED -> "installed as admin token '" + AccessService.CONFIGURED_TOKEN_NAME + "'";
                    case REPLACED -> "installed as admin token '" + AccessService.CONFIGURED_TOKEN_NAME
                            + "'; the previous value is revoked";
                });
            } else {
                generated = access.bootstrap();
            }
            grpcHealth.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
            return new RoostServer(webServer, grpcHealth, generated, sessions, status, cluster, connections, v0,
                    logReceiver, cancelledCalls, closeables);
        } catch (RuntimeException e) {
            closeAll(closeables);
            throw e;
        }
    }

    /** Always up; says whether the legacy paths are open to callers without a token, and to whom. */
    private static io.helidon.health.HealthCheckResponse legacyHealth(LegacyRestSettings legacyRest) {
        var response = io.helidon.health.HealthCheckResponse.builder().status(true)
                .detail("open", legacyRest.open());
        if (legacyRest.open()) {
            response.detail("clients", legacyRest.clientList())
                    .detail("warning", LegacyOpenAccessFilter.PATH + " needs no token from these networks");
        }
        return response.build();
    }

    /**
     * Unless {@code server.max-tcp-connections} is set: stay below the process's open-file limit.
     * Accepting past it fails with EMFILE, which stops Helidon's listener for good; refusing the
     * surplus connection instead lets devices back off and retry.
     */
    private static Optional<Integer> connectionLimit(Config serverConfig) {
        if (serverConfig.get("max-tcp-connections").exists()) {
            return Optional.empty();
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long limit = unix.getMaxFileDescriptorCount() - FILES_KEPT_FREE;
            if (limit > 0 && limit < Integer.MAX_VALUE) {
                LOG.log(System.Logger.Level.INFO, "Accepting at most {0} connections (open-file limit {1})",
                        String.valueOf(limit), String.valueOf(unix.getMaxFileDescriptorCount()));
                return Optional.of((int) limit);
            }
        }
        return Optional.empty();
    }

    /** Ready while the node reaches NATS (a single server always is); the details list the live nodes. */
    private static io.helidon.health.HealthCheckResponse clusterHealth(ClusterService cluster) {
        NodeList nodes = cluster.current();
        io.helidon.health.HealthCheckResponse.Builder health = io.helidon.health.HealthCheckResponse.builder()
                .status(nodes.messagingConnected())
                .detail("clustered", nodes.clustered())
                .detail("this_node", nodes.thisWorker())
                .detail("nodes", nodes.nodes().stream().map(node -> node.worker() + ":" + node.name()).toList()
                        .toString());
        if (nodes.clustered()) {
            health.detail("cluster", nodes.clusterName());
        }
        return health.build();
    }

    private static Optional<ClusterNode> joinCluster(ServerSettings settings, Clock clock) {
        if (!settings.cluster().enabled()) {
            return Optional.empty();
        }
        ClusterNode node = ClusterNode.join(settings.cluster(), clock, () -> {
            // Another node holds this node's worker id: it would make the same ids. Stop at once.
            LOG.log(System.Logger.Level.ERROR, "cluster: this node lost its worker id; stopping");
            Thread.ofPlatform().start(() -> System.exit(3));
        });
        if (settings.nodeId() != 0) {
            LOG.log(System.Logger.Level.INFO, "roost.snowflake.node is ignored in a cluster: this node leased "
                    + "worker id {0}", String.valueOf(node.worker()));
        }
        return Optional.of(node);
    }

    private static Tls tls(ServerSettings.TlsFiles files) {
        Keys keys = Keys.builder()
                .pem(pem -> pem.key(Resource.create(files.privateKey()))
                        .certChain(Resource.create(files.certificate())))
                .build();
        TlsConfig.Builder tls = Tls.builder()
                .privateKey(keys.privateKey().orElseThrow())
                .privateKeyCertChain(keys.certChain())
                .clientAuth(files.clientAuth());
        if (!files.clientCa().isEmpty()) {
            tls.trust(files.clientCa());
        }
        return tls.build();
    }

    public int port() {
        return webServer.port();
    }

    /** The built-in SFTP receiver for device logs, when {@code roost.logs.enabled}. */
    public Optional<SftpReceiver> logReceiver() {
        return logReceiver;
    }

    /** The admin token generated on first start, to be shown once; empty otherwise. */
    public Optional<String> generatedAdminToken() {
        return generatedAdminToken;
    }

    /** Live device sessions (for tests and metrics). */
    public SessionRegistry sessions() {
        return sessions;
    }

    public StatusService status() {
        return status;
    }

    /** The live nodes of this server's cluster; just this one when it runs alone. */
    public List<NodeInfo> clusterNodes() {
        return cluster.map(ClusterNode::nodes).orElse(List.of());
    }

    /** The listener's TCP connections (for tests and metrics). */
    public ConnectionMonitor connections() {
        return connections;
    }

    /** gRPC calls that had more to send after their client cancelled them (for tests and metrics). */
    public long grpcAnswersDropped() {
        return cancelledCalls.droppedAnswers();
    }

    /** The legacy controllers' dialect (for tests). */
    public V0Dialect v0() {
        return v0;
    }

    @Override
    public void close() {
        grpcHealth.enterTerminalState();
        closeAll(closeables);
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "shutdown step failed", e);
            }
        }
    }
}
