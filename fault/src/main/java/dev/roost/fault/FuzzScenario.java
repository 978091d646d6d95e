package dev.roost.fault;

import dev.roost.edge.sim.DeviceCredential;
import dev.roost.edge.sim.Provisioner;

import java.time.Duration;
import java.util.Map;

/**
 * {@code fuzz}: hostile WebSocket frames, REST requests and gRPC calls ({@link Fuzzer}) while the
 * well-behaved devices keep their heartbeats and commands keep coming. No well-behaved device may lose
 * its session or get a heartbeat answer later than half an interval; server faults the fuzzer saw
 * (5xx, INTERNAL) are reported in the detail.
 */
final class FuzzScenario implements Scenario {
    private final int actions;
    private final Duration budget;

    FuzzScenario(int actions, Duration budget) {
        this.actions = actions;
        this.budget = budget;
    }

    @Override
    public String name() {
        return "fuzz";
    }

    @Override
    public ScenarioResult run(FaultRun run) throws Exception {
        FaultFleet fleet = run.fleet(run.server().webSocket());
        fleet.start(0, run.credentials().size());
        if (!fleet.awaitLive(run.credentials().size(), Duration.ofSeconds(120))) {
            return ScenarioResult.broken(name(), run.storage().name(), fleet.liveCount() + " devices live");
        }
        DeviceCredential hostile = Provisioner.register(run.server().api(), RunSettings.ADMIN_TOKEN, 1, "hostile", 1)
                .getFirst();
        Fuzzer fuzzer = new Fuzzer(run.server().port(), RunSettings.ADMIN_TOKEN, hostile, run.credentials().getFirst(),
                run.settings().seed());
        Fuzzer other = new Fuzzer(run.server().port(), RunSettings.ADMIN_TOKEN, hostile, run.credentials().getFirst(),
                run.settings().seed() + 1);
        Disturbances disturbances = Disturbances.from(fleet);
        try (CommandStream ignored = new CommandStream(run.ledger(), run.credentials(), 2, 2_000,
                run.settings().seed(), name())) {
            Thread second = Thread.ofVirtual().start(() -> other.run(actions / 2, budget));
            fuzzer.run(actions - actions / 2, budget);
            second.join(budget.plusSeconds(30));
        }
        boolean serverAlive = run.server().isAlive() && run.server().healthy();
        Map<String, String> states = run.ledger().settle(run.settings().settle());
        String detail = disturbances.describe() + " " + "fuzzer1: " + fuzzer.describe() + " fuzzer2: " + other.describe()
                + " server_alive="
                + serverAlive;
        return run.measure(states, disturbances.count(), detail);
    }
}
