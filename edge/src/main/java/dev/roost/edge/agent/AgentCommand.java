package dev.roost.edge.agent;

import dev.roost.edge.config.AgentConfig;
import dev.roost.edge.config.ConfigException;
import dev.roost.edge.config.ConfigLoader;
import dev.roost.edge.logging.AgentLogging;
import dev.roost.edge.logging.RotatingLogFiles;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code roost-edge}: runs the agent until stopped. Exit 2 on invalid configuration. */
@CommandLine.Command(name = "roost-edge", mixinStandardHelpOptions = true, versionProvider = AgentVersion.Provider.class,
        description = "Roost edge agent: connects this device to the Roost server.")
public final class AgentCommand implements Callable<Integer> {
    static final int INVALID_CONFIG = 2;

    @CommandLine.Option(names = {"-c", "--config"}, description = "YAML configuration file")
    Path config;

    @CommandLine.Option(names = "--server-url", description = "ws://host:9090/ws")
    String serverUrl;

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
            agentConfig = ConfigLoader.load(Optional.ofNullable(config), System.getenv(), overrides());
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("invalid configuration: " + e.getMessage());
            return INVALID_CONFIG;
        }
        RotatingLogFiles logs = AgentLogging.install(agentConfig.log());
        CountDownLatch stopped = new CountDownLatch(1);
        EdgeAgent agent = EdgeAgent.builder(agentConfig).logFiles(logs).build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "roost-edge-shutdown"));
        agent.start();
        agent.gaveUp().thenRun(stopped::countDown);
        stopped.await();
        return agent.gaveUp().isDone() ? 1 : 0;
    }

    private Map<String, String> overrides() {
        Map<String, String> values = new LinkedHashMap<>(set);
        putIf(values, "server-url", serverUrl);
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
