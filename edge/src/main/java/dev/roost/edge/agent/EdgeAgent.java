package dev.roost.edge.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.edge.command.CommandJournal;
import dev.roost.edge.command.CommandLineReboot;
import dev.roost.edge.command.DesiredStateScript;
import dev.roost.edge.command.CommandRunner;
import dev.roost.edge.command.ExecHandler;
import dev.roost.edge.command.ExternalCommandHandler;
import dev.roost.edge.command.GetConfigHandler;
import dev.roost.edge.command.ProcessRunner;
import dev.roost.edge.command.RebootAction;
import dev.roost.edge.command.SftpUploader;
import dev.roost.edge.command.UploadLogHandler;
import dev.roost.edge.config.AgentConfig;
import dev.roost.edge.config.RedactedConfig;
import dev.roost.edge.link.Backoff;
import dev.roost.edge.link.ConnectionManager;
import dev.roost.edge.link.Credentials;
import dev.roost.edge.link.FileSessionTokenStore;
import dev.roost.edge.link.LinkMetrics;
import dev.roost.edge.link.LinkSettings;
import dev.roost.edge.link.Ticker;
import dev.roost.edge.link.WsTransport;
import dev.roost.edge.logging.RotatingLogFiles;
import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.DesiredStateHandler;
import dev.roost.edge.status.BootId;
import dev.roost.edge.status.OshiStatusSource;
import dev.roost.edge.status.StatusReporter;
import dev.roost.edge.status.StatusSource;
import dev.roost.protocol.PduCodec;
import io.netty.channel.EventLoop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The edge agent as a library: builds the link, status reporter, desired-state applier and command
 * runner from an {@link AgentConfig} and runs them until {@link #close()}. {@code Main} runs one;
 * other programs embed it through {@link #builder(AgentConfig)}.
 */
public final class EdgeAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EdgeAgent.class.getName());
    private static final int JOURNAL_CAPACITY = 256;
    /** In the state directory: the last session token, so that a restarted agent skips the secret. */
    static final String SESSION_TOKEN_FILE = "session.token";

    private final ConnectionManager link;
    private final BootId bootId;
    private final DesiredStateApplier desired;
    private final CommandJournal journal;
    private final Optional<WsTransport> ownedTransport;
    private final Optional<RotatingLogFiles> ownedLogs;

    private EdgeAgent(ConnectionManager link, BootId bootId, DesiredStateApplier desired, CommandJournal journal,
                      Optional<WsTransport> ownedTransport, Optional<RotatingLogFiles> ownedLogs) {
        this.link = link;
        this.bootId = bootId;
        this.desired = desired;
        this.journal = journal;
        this.ownedTransport = ownedTransport;
        this.ownedLogs = ownedLogs;
    }

    public static Builder builder(AgentConfig config) {
        return new Builder(config);
    }

    /** Connects and keeps connecting until closed. */
    public EdgeAgent start() {
        desired.reapply();
        link.start();
        return this;
    }

    public boolean isLive() {
        return link.isLive();
    }

    /** The server of the current link or, between attempts, of the last attempt. */
    public URI server() {
        return link.server();
    }

    public String bootId() {
        return bootId.current();
    }

    public long desiredVersion() {
        return desired.version();
    }

    public ObjectNode desiredState() {
        return desired.state();
    }

    public CommandJournal journal() {
        return journal;
    }

    /** Completes when a {@code backoff.max-attempts} limit ended the reconnect loop. */
    public CompletableFuture<Void> gaveUp() {
        return link.gaveUp();
    }

    @Override
    public void close() {
        link.stop().join();
        desired.close();
        ownedTransport.ifPresent(WsTransport::close);
        ownedLogs.ifPresent(RotatingLogFiles::close);
        LOG.log(System.Logger.Level.INFO, "agent stopped");
    }

    /** Optional collaborators; each has a production default. */
    public static final class Builder {
        private final AgentConfig config;
        private WsTransport transport;
        private StatusSource systemStatus;
        private BootId bootId;
        private RebootAction rebootAction;
        private RotatingLogFiles logFiles;
        private LinkMetrics metrics = LinkMetrics.NONE;
        private Clock clock = Clock.systemUTC();
        private Consumer<ObjectNode> onDesired = state -> { };
        private Optional<Runnable> restart = Optional.empty();
        private final List<CommandHandler> handlers = new ArrayList<>();
        private final List<DesiredStateHandler> desiredHandlers = new ArrayList<>();

        private Builder(AgentConfig config) {
            this.config = config;
        }

        /** A transport shared with other agents; the agent then does not close it. */
        public Builder transport(WsTransport shared) {
            this.transport = shared;
            return this;
        }

        /** The host metrics (OSHI by default); the agent adds boot id and versions. */
        public Builder systemStatus(StatusSource source, BootId id) {
            this.systemStatus = source;
            this.bootId = id;
            return this;
        }

        public Builder rebootAction(RebootAction action) {
            this.rebootAction = action;
            return this;
        }

        /** The log files {@code upload_log} uploads (by default the agent opens config.log without installing it). */
        public Builder logFiles(RotatingLogFiles files) {
            this.logFiles = files;
            return this;
        }

        public Builder metrics(LinkMetrics linkMetrics) {
            this.metrics = linkMetrics;
            return this;
        }

        /**
         * The agent's time: its ticks and what they measure (heartbeats, dead links, session-token
         * expiry, result resends); the system clock by default.
         */
        public Builder clock(Clock agentClock) {
            this.clock = agentClock;
            return this;
        }

        /**
         * What {@code restart_agent} runs: stop this agent and start a new one from the same
         * configuration and state directory. Without it, {@code restart_agent} fails.
         */
        public Builder restartHook(Runnable hook) {
            this.restart = Optional.of(hook);
            return this;
        }

        /** A desired-state handler in addition to the configured and ServiceLoader ones; wins for its key. */
        public Builder desiredHandler(DesiredStateHandler handler) {
            desiredHandlers.add(handler);
            return this;
        }

        public Builder onDesired(Consumer<ObjectNode> listener) {
            this.onDesired = listener;
            return this;
        }

        /** A handler in addition to those found by {@link ServiceLoader}; wins over a built-in of the same name. */
        public Builder handler(CommandHandler handler) {
            handlers.add(handler);
            return this;
        }

        public EdgeAgent build() {
            PduCodec codec = new PduCodec();
            Optional<WsTransport> ownedTransport = transport == null ? Optional.of(new WsTransport(1)) : Optional.empty();
            WsTransport usedTransport = transport != null ? transport : ownedTransport.get();
            EventLoop loop = usedTransport.nextLoop();
            if (systemStatus == null) {
                OshiStatusSource oshi = new OshiStatusSource();
                systemStatus = oshi;
                bootId = BootId.ofSystem(oshi.bootTimeEpochSeconds());
            }
            Optional<RotatingLogFiles> ownedLogs = Optional.empty();
            if (logFiles == null) {
                ownedLogs = Optional.of(openLogs());
                logFiles = ownedLogs.get();
            }
            DesiredStateApplier desired = new DesiredStateApplier(Optional.of(config.stateDir().resolve("desired.json")),
                    desiredHandlers(), onDesired);
            StatusSource source = agentStatus(systemStatus, bootId, desired);
            Executor collector = task -> Thread.ofVirtual().name("roost-status").start(task);
            StatusReporter reporter = new StatusReporter(source, collector, loop, metrics, config.reportInterval());
            CommandJournal journal = CommandJournal.open(config.stateDir().resolve("commands.journal"),
                    JOURNAL_CAPACITY, codec);
            RebootAction reboot = rebootAction != null ? rebootAction : defaultReboot();
            CommandRunner runner = new CommandRunner(handlers(), journal, reboot, config.commandTimeout(), restart,
                    CommandRunner.RESULT_RESEND_AFTER, clock);
            AgentSession session = new AgentSession(reporter, desired, runner);
            ConnectionManager manager = new ConnectionManager(linkSettings(), usedTransport, loop,
                    new Ticker(config.tick(), clock), codec, session, metrics,
                    new Backoff(config.backoff(), new SecureRandom()),
                    new FileSessionTokenStore(config.stateDir().resolve(SESSION_TOKEN_FILE), config.deviceId()));
            return new EdgeAgent(manager, bootId, desired, journal, ownedTransport, ownedLogs);
        }

        private LinkSettings linkSettings() {
            Credentials credentials = config.deviceId()
                    .map(id -> Credentials.ofDevice(id, config.secret()))
                    .orElseGet(() -> Credentials.ofHardware(config.hardware().get().serial(),
                            config.hardware().get().model(), config.secret()));
            return new LinkSettings(serverUrls(), config.tls(), credentials, config.sourceAddress(),
                    config.connectTimeout(), config.backoff(), AgentVersion.VALUE, false);
        }

        /**
         * The configured list begun at a random entry: devices sharing one configuration spread over
         * the nodes instead of all starting on the first.
         */
        private List<URI> serverUrls() {
            return LinkSettings.startingAt(config.serverUrls(),
                    ThreadLocalRandom.current().nextInt(config.serverUrls().size()));
        }

        private Map<String, CommandHandler> handlers() {
            ProcessRunner processes = new ProcessRunner(config.maxOutputBytes());
            Map<String, CommandHandler> byName = new LinkedHashMap<>();
            List<CommandHandler> all = new ArrayList<>();
            all.add(new ExecHandler(config.scripts(), config.builtInScripts(), processes, config.commandTimeout()));
            all.add(new GetConfigHandler(() -> RedactedConfig.of(config)));
            all.add(new UploadLogHandler(logFiles, config.sftp().map(SftpUploader::new)));
            config.handlers().forEach((name, line) ->
                    all.add(new ExternalCommandHandler(name, line, processes, config.commandTimeout())));
            ServiceLoader.load(CommandHandler.class).forEach(all::add);
            all.addAll(handlers);
            for (CommandHandler handler : all) {
                byName.put(handler.name(), handler);
            }
            return byName;
        }

        private Map<String, DesiredStateHandler> desiredHandlers() {
            ProcessRunner processes = new ProcessRunner(config.maxOutputBytes());
            Map<String, DesiredStateHandler> byKey = new LinkedHashMap<>();
            config.desiredHandlers().forEach((key, line) ->
                    byKey.put(key, new DesiredStateScript(key, line, processes, config.commandTimeout())));
            ServiceLoader.load(DesiredStateHandler.class).forEach(handler -> byKey.put(handler.key(), handler));
            desiredHandlers.forEach(handler -> byKey.put(handler.key(), handler));
            return byKey;
        }

        private RotatingLogFiles openLogs() {
            try {
                return new RotatingLogFiles(config.log(), new java.util.logging.SimpleFormatter(), Clock.systemUTC());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the log directory " + config.log().dir(), e);
            }
        }

        private RebootAction defaultReboot() {
            if (config.reboot().isEmpty()) {
                return RebootAction.refused("reboots are disabled on this device (reboot.command: none)");
            }
            return new CommandLineReboot(config.reboot());
        }

        private static StatusSource agentStatus(StatusSource system, BootId bootId, DesiredStateApplier desired) {
            return () -> {
                ObjectNode state = system.collect();
                state.put("boot_id", bootId.current());
                state.put("agent_version", AgentVersion.VALUE);
                state.put("desired_applied_version", desired.version());
                return state;
            };
        }
    }
}
