package dev.roost.fault;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lossy-link}: every device reaches the server through a {@link LossyProxy} (delay, jitter,
 * resets and black holes, seeded) while commands keep coming over a direct API connection. After
 * {@code duration} the proxy heals (delay stays); every device must be live again and every accepted
 * command SUCCEEDED, executed once, its status stored.
 */
final class LossyLinkScenario implements Scenario {
    private final Duration duration;
    private final LossyProxy.Faults faults;

    LossyLinkScenario(Duration duration, LossyProxy.Faults faults) {
        this.duration = duration;
        this.faults = faults;
    }

    @Override
    public String name() {
        return "lossy-link";
    }

    @Override
    public ScenarioResult run(FaultRun run) throws Exception {
        try (LossyProxy proxy = new LossyProxy(new InetSocketAddress("127.0.0.1", run.server().port()), faults,
                run.settings().seed())) {
            FaultFleet fleet = run.fleet(java.net.URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"));
            fleet.start(0, run.credentials().size());
            fleet.awaitLive(run.credentials().size(), Duration.ofSeconds(60));
            try (CommandStream ignored = new CommandStream(run.ledger(), run.credentials(), 5, 5_000,
                    run.settings().seed(), name())) {
                Await.pause(duration);
            }
            proxy.heal();
            boolean allBack = fleet.awaitLive(run.credentials().size(), Duration.ofSeconds(60));
            Map<String, String> states = run.ledger().settle(run.settings().settle());
            // A link that went silent just before the heal is found dead only after the agent's dead-link
            // time (10 s) and then reconnects: "live again at the end" allows that one round.
            fleet.awaitLive(run.credentials().size(), Duration.ofSeconds(30));
            long disturbed = run.notLive();
            String detail = String.format(Locale.ROOT,
                    "proxy connections=%d resets=%d black_holes=%d delay=%dms+%dms mean_lifetime=%ds all_back=%s",
                    proxy.connections(), proxy.resets(), proxy.blackHoles(), faults.delay().toMillis(),
                    faults.jitter().toMillis(), faults.meanLifetime().toSeconds(), allBack);
            return run.measure(states, disturbed, detail);
        }
    }
}
