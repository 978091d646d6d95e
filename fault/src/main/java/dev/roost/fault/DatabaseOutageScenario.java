package dev.roost.fault;

import java.time.Duration;
import java.util.Map;

/**
 * {@code db-kill} and {@code db-freeze}: the suite's own MariaDB is killed with SIGKILL and started
 * again on its data folder, or frozen with SIGSTOP and resumed with SIGCONT, while devices report
 * status and commands keep coming at a steady rate. Live sessions must not notice (their heartbeats
 * never touch the database); every command the API accepted must end SUCCEEDED once the database is
 * back, and every acknowledged status must be stored.
 */
final class DatabaseOutageScenario implements Scenario {
    private final boolean freeze;
    private final Duration outage;

    DatabaseOutageScenario(boolean freeze, Duration outage) {
        this.freeze = freeze;
        this.outage = outage;
    }

    @Override
    public String name() {
        return freeze ? "db-freeze" : "db-kill";
    }

    @Override
    public boolean supports(String db) {
        return "mariadb".equals(db);
    }

    @Override
    public ScenarioResult run(FaultRun run) throws Exception {
        FaultFleet fleet = run.fleet(run.server().webSocket());
        fleet.start(0, run.credentials().size());
        if (!fleet.awaitLive(run.credentials().size(), Duration.ofSeconds(120))) {
            return ScenarioResult.broken(name(), "mariadb", fleet.liveCount() + " devices live");
        }
        MariaDbStorage db = (MariaDbStorage) run.storage();
        Disturbances disturbances = Disturbances.from(fleet);
        try (CommandStream ignored = new CommandStream(run.ledger(), run.credentials(), 5, 2_000,
                run.settings().seed(), name())) {
            Await.pause(Duration.ofSeconds(5));
            if (freeze) {
                db.freeze();
                Await.pause(outage);
                db.thaw();
            } else {
                db.kill9();
                Await.pause(outage);
                db.launch();
            }
            Await.pause(Duration.ofSeconds(10));
        }
        Map<String, String> states = run.ledger().settle(run.settings().settle());
        String detail = disturbances.describe() + " outage_s=" + outage.toSeconds();
        return run.measure(states, disturbances.count(), detail);
    }
}
