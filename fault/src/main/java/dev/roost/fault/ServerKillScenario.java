package dev.roost.fault;

import dev.roost.edge.sim.DeviceCredential;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code server-kill}: kill -9 of the server while it holds commands in every state, then a restart on
 * the same database. Before the kill: commands already SUCCEEDED; commands ACKED and running on their
 * device (they finish while the server is down); commands QUEUED behind the in-flight limit of an
 * online device; commands QUEUED for devices that are offline; and a burst of sends racing the kill
 * (whatever got a 201 counts). After the restart every device comes back, the offline ones too, and
 * every accepted command must end SUCCEEDED, executed once.
 */
final class ServerKillScenario implements Scenario {
    private static final long RUNNING_MS = 4_000;

    @Override
    public String name() {
        return "server-kill";
    }

    @Override
    public ScenarioResult run(FaultRun run) throws Exception {
        List<DeviceCredential> devices = run.credentials();
        int offline = Math.max(1, devices.size() / 10);
        int online = devices.size() - offline;
        FaultFleet fleet = run.fleet(run.server().webSocket());
        fleet.start(0, online);
        if (!fleet.awaitLive(online, Duration.ofSeconds(120))) {
            return ScenarioResult.broken(name(), run.storage().name(), fleet.liveCount() + " of " + online + " devices live");
        }
        CommandLedger ledger = run.ledger();
        // Final before the kill.
        for (int i = 0; i < online; i++) {
            ledger.send(devices.get(i).id(), 0, "done-before-kill");
        }
        ledger.settle(Duration.ofSeconds(60));
        // Running on the device when the server dies (ACKED), and queued behind the in-flight limit (8).
        for (int i = 0; i < online; i++) {
            ledger.send(devices.get(i).id(), RUNNING_MS, "running-at-kill");
        }
        for (int k = 0; k < 10; k++) {
            ledger.send(devices.get(0).id(), RUNNING_MS, "queued-behind-limit");
        }
        // Queued for devices that are offline.
        for (int i = online; i < devices.size(); i++) {
            ledger.send(devices.get(i).id(), 0, "queued-offline");
            ledger.send(devices.get(i).id(), 0, "queued-offline");
        }
        Map<String, Long> beforeKill = CommandLedger.histogram(ledger.states());
        // Sends racing the kill: some are SENT, some half-stored, some refused.
        AtomicBoolean sending = new AtomicBoolean(true);
        Random random = new Random(run.settings().seed());
        Thread burst = Thread.ofVirtual().start(() -> {
            for (int n = 0; n < 2_000 && sending.get(); n++) {
                ledger.send(devices.get(random.nextInt(online)).id(), 0, "racing-kill");
            }
        });
        Await.pause(Duration.ofMillis(700));
        run.server().kill9();
        sending.set(false);
        burst.join(Duration.ofSeconds(30));
        Await.pause(Duration.ofSeconds(3));
        run.server().start();
        fleet.start(online, devices.size());
        boolean allBack = fleet.awaitLive(devices.size(), Duration.ofSeconds(90));
        Map<String, String> states = ledger.settle(run.settings().settle());
        long disturbed = run.notLive();
        return run.measure(states, disturbed, String.format(Locale.ROOT,
                "states_before_kill=%s all_devices_back=%s", beforeKill, allBack));
    }
}
