package dev.roost.bench;

import dev.roost.cli.command.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "northbound", mixinStandardHelpOptions = true,
        description = "Closed-loop GetDevice / ListDevices load against a provisioned fleet.")
final class NorthboundCommand implements Callable<Integer> {
    private static final String SCENARIO = "northbound";
    private static final DateTimeFormatter FOLDER_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--callers", defaultValue = "64", description = "concurrent callers (default: ${DEFAULT-VALUE})")
    int callers;

    @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class,
            description = "unrecorded load before measuring (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "measured window (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--mix", defaultValue = "get=80,list=10,list-label=10",
            description = "relative weights of get, list and list-label (default: ${DEFAULT-VALUE})")
    String mix;

    @Option(names = "--page-size", defaultValue = "50", description = "ListDevices page size (default: ${DEFAULT-VALUE})")
    int pageSize;

    @Option(names = "--id-limit", defaultValue = "100000",
            description = "how many fleet ids to read for GetDevice (default: ${DEFAULT-VALUE})")
    int idLimit;

    @Option(names = "--server-pid", description = "pid of a local server process, to report its CPU use")
    Long serverPid;

    @Option(names = "--watch-pid", description = "other local processes to report the CPU use of, e.g. db=1234")
    Map<String, Long> watchPids = new LinkedHashMap<>();

    @Option(names = "--results", defaultValue = "bench/results",
            description = "folder under which a <scenario>-<time> folder is written (default: ${DEFAULT-VALUE})")
    Path results;

    @Override
    public Integer call() throws InterruptedException, IOException {
        PrintWriter out = spec.commandLine().getOut();
        OperationMix operations = OperationMix.parse(mix);
        ClosedLoopLoad.Settings settings = new ClosedLoopLoad.Settings(callers, warmup, duration, operations, pageSize);
        try (DeviceStubs stubs = connection.connect()) {
            long readStarted = System.nanoTime();
            List<String> ids = DeviceIdCatalog.fetch(stubs, idLimit);
            out.printf("northbound: read %,d device ids in %.1f s; %d callers over %d connections, mix %s, "
                            + "%s warm-up, %s measured%n", ids.size(), (System.nanoTime() - readStarted) / 1e9,
                    callers, connection.channels, operations, warmup, duration);
            out.flush();
            Instant startedAt = Instant.now();
            ClosedLoopLoad.Result result = new ClosedLoopLoad(stubs, ids, settings).run(new CpuMeter(processes()));
            NorthboundReport report = new NorthboundReport(SCENARIO, startedAt, settingsOf(ids.size()), result,
                    duration.toNanos() / 1e9);
            report.print(out);
            Path folder = results.resolve(SCENARIO + "-" + FOLDER_TIME.format(startedAt));
            report.writeTo(folder);
            out.printf("results: %s%n", folder);
            return 0;
        }
    }

    private Map<String, Long> processes() {
        Map<String, Long> pids = new LinkedHashMap<>();
        if (serverPid != null) {
            pids.put("server", serverPid);
        }
        pids.putAll(watchPids);
        pids.put("bench", ProcessHandle.current().pid());
        return pids;
    }

    private Map<String, Object> settingsOf(int deviceIds) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("target", connection.target);
        settings.put("connections", connection.channels);
        settings.put("deadline", connection.deadline.toString());
        settings.put("accept_gzip", connection.acceptGzip);
        settings.put("callers", callers);
        settings.put("warmup", warmup.toString());
        settings.put("duration", duration.toString());
        settings.put("mix", mix);
        settings.put("page_size", pageSize);
        settings.put("device_ids", deviceIds);
        return settings;
    }
}
