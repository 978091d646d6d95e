package dev.roost.edge.agent;

import dev.roost.edge.config.AgentConfig;
import dev.roost.edge.config.ConfigException;
import dev.roost.edge.config.ConfigLoader;
import dev.roost.edge.logging.AgentLogging;
import dev.roost.edge.logging.RotatingLogFiles;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** {@code roost-edge}: runs the agent until stopped. Exit 2 on invalid configuration. */
@CommandLine.Command(name = "roost-edge", mixinStandardHelpOptions = true, versionProvider = AgentVersion.Provider.class,
        description = "Roost edge agent: connects this device to the Roost server.")
public final class AgentCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger(AgentCommand.class.getName());
    static final int INVALID_CONFIG = 2;

    @CommandLine.Option(names = {"-c", "--config"}, description = "YAML configuration file")
    Path config;

    @CommandLine.Option(names = "--server-url", split = ",",
            description = "ws://host:9090/ws; repeat it (or separate by commas) to fail over between nodes")
    List<String> serverUrls = new ArrayList<>();

    @CommandLine.Option(names = "--device-id")
    String deviceId;

    @CommandLine.Option(names = "--secret-file")
    String secretFile;

    @CommandLine.Option(names = "--report-interval", description = "ISO-8601, e.g. PT30S")
    String reportInterval;

    @CommandLine.Option(names = "--log-dir")
    String logDir;

    @CommandLine.Option(names = "--state-dir")
    String stateDir;

    @CommandLine.Option(names = "--set", description = "any key=value, e.g. backoff.cap=PT1M")
    Map<String, String> set = new LinkedHashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AgentConfig agentConfig;
        try {
            agentConfig = loadConfig();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("invalid configuration: " + e.getMessage());
            return INVALID_CONFIG;
        }
        RotatingLogFiles logs = AgentLogging.install(agentConfig.log());
        AtomicReference<EdgeAgent> running = new AtomicReference<>();
        CompletableFuture<Void> stopping = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.complete(null);
            EdgeAgent agent = running.getAndSet(null);
            if (agent != null) {
                agent.close();
            }
        }, "roost-edge-shutdown"));
        while (true) {
            CompletableFuture<Void> restart = new CompletableFuture<>();
            EdgeAgent agent = EdgeAgent.builder(agentConfig).logFiles(logs).restartHook(() -> restart.complete(null))
                    .build();
            running.set(agent);
            agent.start();
            CompletableFuture.anyOf(stopping, restart, agent.gaveUp()).join();
            if (!restart.isDone() || stopping.isDone() || !running.compareAndSet(agent, null)) {
                return agent.gaveUp().isDone() ? 1 : 0;
            }
            agent.close();
            // restart_agent: the configuration file and the state directory are read again.
            try {
                agentConfig = loadConfig();
            } catch (ConfigException e) {
                LOG.log(System.Logger.Level.WARNING, "configuration no longer valid ({0}); restarting with the previous one",
                        e.getMessage());
            }
            LOG.log(System.Logger.Level.INFO, "agent restarting (restart_agent)");
        }
    }

    private AgentConfig loadConfig() {
        return ConfigLoader.load(Optional.ofNullable(config), System.getenv(), overrides());
    }

    private Map<String, String> overrides() {
        Map<String, String> values = new LinkedHashMap<>(set);
        if (serverUrls.size() == 1) {
            values.put("server-url", serverUrls.getFirst());
        } else if (!serverUrls.isEmpty()) {
            values.put("server-urls", String.join(",", serverUrls));
        }
        putIf(values, "device-id", deviceId);
        putIf(values, "secret-file", secretFile);
        putIf(values, "report-interval", reportInterval);
        putIf(values, "log.dir", logDir);
        putIf(values, "state-dir", stateDir);
        return values;
    }

    private static void putIf(Map<String, String> values, String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
    }
}
