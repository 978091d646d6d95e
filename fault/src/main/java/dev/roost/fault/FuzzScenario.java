package dev.roost.fault;

import dev.roost.edge.sim.DeviceCredential;
import dev.roost.edge.sim.Provisioner;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code fuzz}: hostile WebSocket frames, REST requests and gRPC calls ({@link Fuzzer}) while the
 * well-behaved devices keep their heartbeats and commands keep coming. No well-behaved device may lose
 * its session or get a heartbeat answer later than half an interval, and no hostile request may get a
 * 5xx or INTERNAL/UNKNOWN ({@code server_faults}). Every finding (those, and HTTP requests left
 * without an answer) is named in the detail with the request that caused it and written to
 * {@value #FINDINGS_FILE} in the work folder, which is then kept.
 */
final class FuzzScenario implements Scenario {
    static final String FINDINGS_FILE = "fuzz-findings.txt";
    /** Findings named in the detail line; the file has every kept one. */
    private static final int IN_DETAIL = 12;

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
        List<FuzzFindings.Finding> findings = new ArrayList<>(fuzzer.findings().kept());
        findings.addAll(other.findings().kept());
        int total = fuzzer.findings().total() + other.findings().total();
        String detail = disturbances.describe() + " " + "fuzzer1: " + fuzzer.describe() + " fuzzer2: " + other.describe()
                + " server_alive=" + serverAlive;
        if (total > 0) {
            Path file = run.workDir().resolve(FINDINGS_FILE);
            Files.write(file, findings.stream().map(FuzzFindings.Finding::line).toList(), StandardCharsets.UTF_8);
        }
        long serverFaults = faults(fuzzer) + faults(other);
        ScenarioResult result = run.measure(states, disturbances.count(), serverFaults, detail);
        if (total > 0) {
            run.keepWorkDir();
        }
        return result.withMoreDetail(findingsInDetail(findings, total));
    }

    /** What fails the run: the target is zero 5xx and zero INTERNAL/UNKNOWN. */
    private static long faults(Fuzzer fuzzer) {
        return fuzzer.findings().count(FuzzFindings.Kind.REST_5XX)
                + fuzzer.findings().count(FuzzFindings.Kind.GRPC_INTERNAL_OR_UNKNOWN);
    }

    private static String findingsInDetail(List<FuzzFindings.Finding> findings, int total) {
        if (total == 0) {
            return "";
        }
        StringBuilder out = new StringBuilder("; findings " + total + " (" + FINDINGS_FILE + " in the work folder):");
        for (int i = 0; i < Math.min(IN_DETAIL, findings.size()); i++) {
            out.append(System.lineSeparator()).append("     ").append(findings.get(i).line());
        }
        if (total > IN_DETAIL) {
            out.append(System.lineSeparator()).append("     ... ").append(total - IN_DETAIL).append(" more");
        }
        return out.toString();
    }
}
