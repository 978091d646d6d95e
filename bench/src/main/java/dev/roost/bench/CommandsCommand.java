package dev.roost.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.cli.command.DurationConverter;
import dev.roost.proto.v1.Command;
import dev.roost.proto.v1.CommandServiceGrpc;
import dev.roost.proto.v1.CommandServiceGrpc.CommandServiceBlockingStub;
import dev.roost.proto.v1.CommandState;
import dev.roost.proto.v1.SendCommandRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code commands}: an open loop of CommandService.SendCommand calls at a fixed rate to random
 * devices of the simulator's device files, each waiting ({@code wait_timeout_ms}) for the final
 * state, so that the call's latency is the command's round trip server → device → server.
 *
 * <p>With several {@code --target}s (nodes of a cluster), the devices of the k-th device file are
 * sent their commands through the k-th target: the northbound load is spread over the nodes while
 * each file keeps a known relation to its target (its own node, or another node).
 */
@picocli.CommandLine.Command(name = "commands", mixinStandardHelpOptions = true,
        description = "Send commands at a fixed rate to random online devices and measure the round trip.")
final class CommandsCommand implements Callable<Integer> {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--target", defaultValue = "127.0.0.1:9090", split = ",",
            description = "host:port; several (one per device file) send each file's commands through its own")
    List<String> targets;

    @Option(names = "--token", defaultValue = "${env:ROOST_ADMIN_TOKEN}")
    String token;

    @Option(names = "--devices-file", required = true, split = ",", description = "id,secret files of the simulators")
    List<Path> devicesFiles;

    @Option(names = "--rate", defaultValue = "1000", description = "commands per second (open loop)")
    int rate;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class)
    Duration duration;

    @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class)
    Duration warmup;

    @Option(names = "--wait-ms", defaultValue = "10000", description = "wait_timeout_ms of every call")
    long waitMs;

    @Option(names = "--channels", defaultValue = "4", description = "gRPC connections per target")
    int channels;

    @Option(names = "--out", required = true, description = "folder for summary.json, timeline.csv, latency.hgrm")
    Path out;

    /** A device and the index of the target its commands go through. */
    private record Addressee(String deviceId, int target) {
    }

    @Override
    public Integer call() throws Exception {
        if (targets.size() > 1 && targets.size() != devicesFiles.size()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "several --target need one per --devices-file (" + targets.size() + " targets, "
                            + devicesFiles.size() + " files)");
        }
        List<Addressee> ids = new ArrayList<>();
        for (int f = 0; f < devicesFiles.size(); f++) {
            for (String line : Files.readAllLines(devicesFiles.get(f))) {
                if (!line.isBlank()) {
                    ids.add(new Addressee(line.substring(0, line.indexOf(',')), targets.size() > 1 ? f : 0));
                }
            }
        }
        Files.createDirectories(out);
        List<ManagedChannel> channelList = new ArrayList<>();
        List<List<CommandServiceBlockingStub>> stubs = new ArrayList<>();
        for (String target : targets) {
            List<CommandServiceBlockingStub> perTarget = new ArrayList<>();
            for (int i = 0; i < channels; i++) {
                ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
                channelList.add(channel);
                perTarget.add(CommandServiceGrpc.newBlockingStub(channel).withInterceptors(bearer(token)));
            }
            stubs.add(perTarget);
        }
        Recorder recorder = new Recorder(3);
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        AtomicLong inFlight = new AtomicLong();
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        List<long[]> timeline = new ArrayList<>();
        Histogram total = new Histogram(3);
        long sent = 0;
        long lastSecond = start;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            long next = start;
            while (next < end) {
                long now = System.nanoTime();
                if (now < next) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(next - now, 1_000_000));
                    continue;
                }
                long scheduled = next;
                next += periodNanos;
                sent++;
                boolean measured = scheduled >= measureFrom;
                Addressee addressee = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                String device = addressee.deviceId();
                List<CommandServiceBlockingStub> perTarget = stubs.get(addressee.target());
                CommandServiceBlockingStub stub = perTarget.get((int) (sent % perTarget.size()));
                inFlight.incrementAndGet();
                executor.submit(() -> {
                    String outcome;
                    try {
                        Command command = stub.withDeadlineAfter(waitMs + 5000, TimeUnit.MILLISECONDS)
                                .sendCommand(SendCommandRequest.newBuilder().setDeviceId(device).setName("bench.noop")
                                        .setParamsJson("{}").setTimeoutMs(30_000).setWaitTimeoutMs(waitMs).build());
                        outcome = command.getState().name();
                        if (measured && command.getState() == CommandState.SUCCEEDED) {
                            // latency from the scheduled start: coordinated omission is counted
                            recorder.recordValue(Math.max(1, (System.nanoTime() - scheduled) / 1000));
                        }
                    } catch (StatusRuntimeException e) {
                        outcome = "ERROR_" + e.getStatus().getCode();
                    } finally {
                        inFlight.decrementAndGet();
                    }
                    if (measured) {
                        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                    }
                });
                if (now - lastSecond >= 1_000_000_000L) {
                    Histogram interval = recorder.getIntervalHistogram();
                    total.add(interval);
                    timeline.add(new long[] {(now - start) / 1_000_000, interval.getTotalCount(),
                            interval.getValueAtPercentile(50), interval.getValueAtPercentile(99),
                            interval.getMaxValue(), inFlight.get()});
                    lastSecond = now;
                }
            }
        }
        total.add(recorder.getIntervalHistogram());
        channelList.forEach(ManagedChannel::shutdownNow);
        ObjectMapper json = new ObjectMapper();
        ObjectNode summary = json.createObjectNode();
        summary.put("targets", String.join(",", targets)).put("rate_target", rate).put("duration_s", duration.toSeconds()).put("devices", ids.size())
                .put("sent_total", sent).put("measured_succeeded", total.getTotalCount())
                .put("achieved_per_s", total.getTotalCount() / (double) duration.toSeconds())
                .put("p50_ms", total.getValueAtPercentile(50) / 1000.0)
                .put("p90_ms", total.getValueAtPercentile(90) / 1000.0)
                .put("p99_ms", total.getValueAtPercentile(99) / 1000.0)
                .put("p999_ms", total.getValueAtPercentile(99.9) / 1000.0)
                .put("max_ms", total.getMaxValue() / 1000.0);
        ObjectNode byOutcome = summary.putObject("outcomes");
        outcomes.forEach((k, v) -> byOutcome.put(k, v.sum()));
        Files.writeString(out.resolve("summary.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        StringBuilder csv = new StringBuilder("t_ms,succeeded,p50_us,p99_us,max_us,in_flight\n");
        for (long[] row : timeline) {
            csv.append(row[0]).append(',').append(row[1]).append(',').append(row[2]).append(',').append(row[3])
                    .append(',').append(row[4]).append(',').append(row[5]).append('\n');
        }
        Files.writeString(out.resolve("timeline.csv"), csv);
        try (PrintStream hgrm = new PrintStream(Files.newOutputStream(out.resolve("latency-command.hgrm")))) {
            total.outputPercentileDistribution(hgrm, 1000.0);
        }
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        return 0;
    }

    private static ClientInterceptor bearer(String token) {
        String value = "Bearer " + token;
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                         Channel channel) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(channel.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(AUTHORIZATION, value);
                        super.start(listener, headers);
                    }
                };
            }
        };
    }
}
