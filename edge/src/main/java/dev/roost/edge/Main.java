package dev.roost.edge;

import dev.roost.edge.agent.AgentCommand;
import dev.roost.edge.sim.SimulateCommand;
import picocli.CommandLine;

/** Entry point: {@code roost-edge [run options]} runs the agent; {@code roost-edge simulate} the fleet simulator. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new AgentCommand()).addSubcommand("simulate", new SimulateCommand());
        System.exit(commandLine.execute(args));
    }
}
