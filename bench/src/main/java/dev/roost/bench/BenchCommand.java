package dev.roost.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "roost-bench", mixinStandardHelpOptions = true,
        description = "Benchmarks Roost's northbound gRPC API.",
        subcommands = {ProvisionCommand.class, NorthboundCommand.class, CommandsCommand.class,
                BaselineServerCommand.class, BaselineWebSocketCommand.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: provision or northbound");
    }
}
