package dev.roost.fault;

/** One repeatable fault: what it injects is in docs/reliability.md, under its name. */
interface Scenario {
    String name();

    /** False when the fault does not exist on that database (H2 runs inside the server process). */
    default boolean supports(String db) {
        return true;
    }

    /** Runs the fault on a prepared run (server up, devices registered) and measures it. */
    ScenarioResult run(FaultRun run) throws Exception;
}
