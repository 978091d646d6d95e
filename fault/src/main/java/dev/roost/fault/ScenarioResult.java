package dev.roost.fault;

import java.util.Locale;

/**
 * What one scenario run counted; every target is zero.
 *
 * @param commandsLost      accepted by the API (201) but not SUCCEEDED after the settle time, although
 *                          every device is healthy and every command it runs succeeds
 * @param executedTwice     extra executions of one command id, as the devices recorded them
 * @param statusRowsLost    devices whose last acknowledged status is not the one stored in the database
 * @param sessionsDisturbed well-behaved devices whose session the fault should not have touched but did
 *                          (the scenario says which closes count), or that never came back
 * @param serverFaults      answers to hostile input that show a server fault: a REST 5xx, a gRPC INTERNAL
 *                          or UNKNOWN (only the {@code fuzz} scenario sends hostile input; 0 elsewhere).
 *                          HTTP requests left without an answer are named in the detail, not counted
 *                          here: the client cannot tell a server fault from a slow answer
 * @param detail            one line of the scenario's own figures, for the reader
 */
public record ScenarioResult(String scenario, String db, long commandsLost, long executedTwice, long statusRowsLost,
                             long sessionsDisturbed, long serverFaults, String detail) {

    public boolean passed() {
        return commandsLost == 0 && executedTwice == 0 && statusRowsLost == 0 && sessionsDisturbed == 0
                && serverFaults == 0;
    }

    /** The one summary line that bench/run-faults.sh, CI and docs/reliability.md read. */
    public String summaryLine() {
        return String.format(Locale.ROOT,
                "scenario=%s db=%s commands_lost=%d executed_twice=%d status_rows_lost=%d sessions_disturbed=%d "
                        + "server_faults=%d result=%s",
                scenario, db, commandsLost, executedTwice, statusRowsLost, sessionsDisturbed, serverFaults,
                passed() ? "PASS" : "FAIL");
    }

    /** This result with {@code more} appended to its detail (lines that belong after the figures). */
    ScenarioResult withMoreDetail(String more) {
        return new ScenarioResult(scenario, db, commandsLost, executedTwice, statusRowsLost, sessionsDisturbed,
                serverFaults, detail + more);
    }

    /** A scenario that could not run to its measurement (setup failed): counted as a failure. */
    public static ScenarioResult broken(String scenario, String db, String why) {
        return new ScenarioResult(scenario, db, -1, -1, -1, -1, -1, "did not run: " + why);
    }
}
