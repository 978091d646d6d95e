package dev.roost.fault;

import picocli.CommandLine;

/** {@code java -jar fault/target/roost-fault.jar ...}: see {@link FaultCommand} and bench/run-faults.sh. */
public final class Main {
    /** Held so that JUL keeps the level: the devices' per-command INFO lines would drown the summaries. */
    private static final java.util.logging.Logger EDGE_LOGS = java.util.logging.Logger.getLogger("dev.roost.edge");

    private Main() {
    }

    public static void main(String[] args) {
        EDGE_LOGS.setLevel(java.util.logging.Level.WARNING);
        System.exit(new CommandLine(new FaultCommand()).execute(args));
    }
}
