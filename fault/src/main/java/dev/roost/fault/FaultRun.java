package dev.roost.fault;

import dev.roost.edge.sim.DeviceCredential;
import dev.roost.edge.sim.Provisioner;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One scenario on one database: a work folder, the database, the server, registered devices, the
 * fleet and the ledger, and the measurement at the end. Closing it stops everything it started, in
 * reverse order, whatever happened before.
 */
final class FaultRun implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FaultRun.class.getName());

    private final RunSettings settings;
    private final String scenario;
    private final Path workDir;
    private final List<AutoCloseable> started = new ArrayList<>();
    private Storage storage;
    private ServerProcess server;
    private FaultFleet fleet;
    private CommandLedger ledger;
    private List<DeviceCredential> credentials = List.of();
    private boolean failed = true;

    FaultRun(RunSettings settings, String scenario, String db) throws Exception {
        this.settings = settings;
        this.scenario = scenario;
        Files.createDirectories(settings.workRoot());
        this.workDir = Files.createTempDirectory(settings.workRoot(), scenario + "-" + db + "-");
        Files.createDirectories(workDir.resolve("journals"));
        try {
            setUp(db);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private void setUp(String db) throws Exception {
        storage = "mariadb".equals(db) ? MariaDbStorage.start(workDir, settings.pids()) : new H2Storage(workDir);
        started.add(storage);
        server = new ServerProcess(new ServerProcess.Launch(settings.java(), settings.serverJar(), workDir,
                RunSettings.ADMIN_TOKEN, settings.heartbeat(), settings.serverJvmArgs(), settings.pids()), storage.serverEnvironment());
        started.add(server);
        server.start();
        ledger = new CommandLedger(server.api(), RunSettings.ADMIN_TOKEN, settings.commandTimeout());
        credentials = Provisioner.register(server.api(), RunSettings.ADMIN_TOKEN, settings.devices(), "fault", 8);
        LOG.log(System.Logger.Level.INFO, "{0}: registered {1} devices; work folder {2}", scenario,
                credentials.size(), workDir);
    }

    RunSettings settings() {
        return settings;
    }

    Path workDir() {
        return workDir;
    }

    Storage storage() {
        return storage;
    }

    ServerProcess server() {
        return server;
    }

    CommandLedger ledger() {
        return ledger;
    }

    List<DeviceCredential> credentials() {
        return credentials;
    }

    /** The fleet, connecting to {@code serverUri} (the server, or a proxy in front of it); not started. */
    FaultFleet fleet(URI serverUri) {
        fleet = new FaultFleet(credentials, serverUri, workDir.resolve("journals"), settings.statusInterval(),
                settings.slowPong(), settings.seed());
        started.add(fleet);
        return fleet;
    }

    /**
     * Ends the run and counts: commands from {@code states} that are not SUCCEEDED, executions twice
     * from the devices' log, then (devices stopped, a few flush intervals later, server killed) the
     * devices whose last acknowledged status counter is not the stored one.
     */
    ScenarioResult measure(Map<String, String> states, long sessionsDisturbed, String detail) throws Exception {
        return measure(states, sessionsDisturbed, 0, detail);
    }

    /** As {@link #measure(Map, long, String)}, with the server faults the scenario's hostile input found. */
    ScenarioResult measure(Map<String, String> states, long sessionsDisturbed, long serverFaults, String detail)
            throws Exception {
        long lost = states.values().stream().filter(state -> !"SUCCEEDED".equals(state)).count();
        long twice = fleet.executions().executedTwice();
        fleet.stopAll();
        // The server writes status coalesced, every flush interval (1 s): give it three.
        Await.pause(Duration.ofSeconds(3));
        if (server.isAlive()) {
            server.kill9();
        }
        Map<String, Long> stored = storage.storedStatusSeqs();
        long rowsLost = 0;
        long acked = 0;
        for (FaultDevice device : fleet.devices()) {
            if (device.ackedSeq() > 0) {
                acked++;
                if (stored.getOrDefault(device.id(), 0L) < device.ackedSeq()) {
                    rowsLost++;
                }
            }
        }
        long phantom = fleet.executions().distinct() - ledger.accepted().stream()
                .filter(c -> fleet.executions().times(c.id()) > 0).count();
        String full = String.format(Locale.ROOT, "%s; accepted=%d refused=%d states=%s executed=%d "
                        + "executed_not_accepted=%d devices_with_acked_status=%d",
                detail, ledger.accepted().size(), ledger.refused(), CommandLedger.histogram(states),
                fleet.executions().distinct(), phantom, acked);
        failed = false;
        return new ScenarioResult(scenario, storage.name(), lost, twice, rowsLost, sessionsDisturbed, serverFaults, full);
    }

    /** Devices that are not live now (the fault was over long enough for them to come back). */
    long notLive() {
        return fleet.devices().stream().filter(device -> !device.isLive()).count();
    }

    void keepWorkDir() {
        failed = true;
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stopping " + started.get(i).getClass().getSimpleName(), e);
            }
        }
        if (failed || settings.keepWorkDirs()) {
            System.err.println("work folder kept: " + workDir);
            return;
        }
        try (var paths = Files.walk(workDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + workDir, e);
        }
    }
}
