package dev.roost.edge.sim;

import picocli.CommandLine;

import java.util.concurrent.Callable;

/** Placeholder until the simulator lands. */
@CommandLine.Command(name = "simulate", description = "Run N simulated devices against a Roost server.")
public final class SimulateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 1;
    }
}
