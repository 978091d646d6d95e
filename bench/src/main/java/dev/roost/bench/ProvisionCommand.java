package dev.roost.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "provision", mixinStandardHelpOptions = true,
        description = "Registers the bench fleet through RegisterDevice; skips devices that exist.")
final class ProvisionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--devices", defaultValue = "100000", description = "fleet size (default: ${DEFAULT-VALUE})")
    int devices;

    @Option(names = "--concurrency", defaultValue = "32",
            description = "registrations in flight (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (DeviceStubs stubs = connection.connect()) {
            long present = DeviceIdCatalog.count(stubs);
            if (present >= devices) {
                out.printf("provision: the server already holds %,d bench devices; nothing to do%n", present);
                return 0;
            }
            out.printf("provision: %,d bench devices present, registering up to %,d with %d in flight%n",
                    present, devices, concurrency);
            out.flush();
            BulkRegistrar.Outcome outcome = new BulkRegistrar(stubs, concurrency, out).provision(devices);
            double seconds = outcome.took().toMillis() / 1000.0;
            out.printf("provision: %,d created, %,d existed, %,d failed %s in %.1f s (%.0f registrations/s)%n",
                    outcome.created(), outcome.existed(), outcome.failed(),
                    outcome.failed() == 0 ? "" : outcome.failures(), seconds, outcome.created() / seconds);
            return outcome.failed() == 0 ? 0 : 1;
        }
    }
}
