package dev.roost.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a northbound run: a table on the console and, in a results folder,
 * {@code summary.json}, {@code summary.csv}, {@code timeline.csv} (per second) and one HdrHistogram
 * percentile distribution ({@code latency-<operation>.hgrm}, microseconds) per operation.
 */
final class NorthboundReport {
    static final double GOAL_CALLS_PER_SECOND = 15_000;
    static final double GOAL_P99_MILLIS = 10;
    private static final String ALL = "all";

    record Row(String operation, long calls, long errors, double callsPerSecond, double p50Ms, double p90Ms,
               double p99Ms, double p999Ms, double maxMs, double meanMs) {
    }

    record Goal(double callsPerSecond, double p99Ms, boolean met) {
    }

    record Summary(String scenario, String startedAt, Map<String, Object> settings, Map<String, Object> environment,
                   List<Row> results, Map<String, Map<String, Long>> errorsByStatus, Map<String, Double> cpuCores,
                   Goal goal) {
    }

    private final Summary summary;
    private final ClosedLoopLoad.Result result;
    private final Map<String, Histogram> histograms;

    NorthboundReport(String scenario, Instant startedAt, Map<String, Object> settings, ClosedLoopLoad.Result result,
                     double measuredSeconds) {
        this.result = result;
        this.histograms = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        Map<String, Map<String, Long>> errors = new LinkedHashMap<>();
        Histogram all = null;
        long allErrors = 0;
        for (var entry : result.operations().entrySet()) {
            OperationStats.Snapshot snapshot = entry.getValue();
            String name = entry.getKey().shortName();
            rows.add(row(name, snapshot, measuredSeconds));
            errors.put(name, snapshot.errors());
            histograms.put(name, snapshot.histogram());
            all = all == null ? snapshot.histogram().copy() : merged(all, snapshot.histogram());
            allErrors += snapshot.failures();
        }
        Row total = row(ALL, new OperationStats.Snapshot(all, Map.of("ANY", allErrors)), measuredSeconds);
        rows.add(total);
        histograms.put(ALL, all);
        Goal goal = new Goal(GOAL_CALLS_PER_SECOND, GOAL_P99_MILLIS,
                total.callsPerSecond() >= GOAL_CALLS_PER_SECOND && total.p99Ms() <= GOAL_P99_MILLIS);
        this.summary = new Summary(scenario, startedAt.toString(), settings, environment(), rows, errors, result.cpuCores(),
                goal);
    }

    Summary summary() {
        return summary;
    }

    void print(PrintWriter out) {
        out.printf("%n%-11s %10s %7s %10s %8s %8s %8s %8s %8s%n", "operation", "calls", "errors", "calls/s",
                "p50 ms", "p90 ms", "p99 ms", "p999 ms", "max ms");
        for (Row row : summary.results()) {
            out.printf("%-11s %,10d %7d %,10.0f %8.2f %8.2f %8.2f %8.2f %8.1f%n", row.operation(), row.calls(),
                    row.errors(), row.callsPerSecond(), row.p50Ms(), row.p90Ms(), row.p99Ms(), row.p999Ms(),
                    row.maxMs());
        }
        summary.cpuCores().forEach((name, cores) -> out.printf("cpu %-8s %.2f cores of %d%n", name, cores,
                Runtime.getRuntime().availableProcessors()));
        out.printf("goal >= %,.0f calls/s with p99 <= %.0f ms: %s%n", GOAL_CALLS_PER_SECOND, GOAL_P99_MILLIS,
                summary.goal().met() ? "MET" : "MISSED");
        out.flush();
    }

    void writeTo(Path folder) throws IOException {
        Files.createDirectories(folder);
        ObjectMapper json = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(folder.resolve("summary.json").toFile(), summary);
        writeSummaryCsv(folder.resolve("summary.csv"));
        writeTimelineCsv(folder.resolve("timeline.csv"));
        for (var entry : histograms.entrySet()) {
            try (PrintStream out = new PrintStream(folder.resolve("latency-" + entry.getKey() + ".hgrm").toFile())) {
                entry.getValue().outputPercentileDistribution(out, 5, 1.0);
            }
        }
    }

    private void writeSummaryCsv(Path file) throws IOException {
        StringBuilder csv = new StringBuilder("operation,calls,errors,calls_per_s,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,mean_ms\n");
        for (Row r : summary.results()) {
            csv.append("%s,%d,%d,%.1f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f%n".formatted(r.operation(), r.calls(), r.errors(),
                    r.callsPerSecond(), r.p50Ms(), r.p90Ms(), r.p99Ms(), r.p999Ms(), r.maxMs(), r.meanMs()));
        }
        Files.writeString(file, csv);
    }

    private void writeTimelineCsv(Path file) throws IOException {
        StringBuilder csv = new StringBuilder("second,completed,failed\n");
        for (int i = 0; i < result.completedPerSecond().length; i++) {
            csv.append(i).append(',').append(result.completedPerSecond()[i]).append(',')
                    .append(result.failedPerSecond()[i]).append('\n');
        }
        Files.writeString(file, csv);
    }

    private static Row row(String name, OperationStats.Snapshot s, double seconds) {
        return new Row(name, s.successes(), s.failures(), s.successes() / seconds, s.millisAt(50), s.millisAt(90),
                s.millisAt(99), s.millisAt(99.9), s.maxMillis(), s.meanMillis());
    }

    private static Histogram merged(Histogram into, Histogram other) {
        into.add(other);
        return into;
    }

    private static Map<String, Object> environment() {
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.put("available_processors", Runtime.getRuntime().availableProcessors());
        environment.put("java_version", System.getProperty("java.version"));
        environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        cpuModel().ifPresent(model -> environment.put("cpu_model", model));
        return environment;
    }

    private static java.util.Optional<String> cpuModel() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
