package dev.roost.bench;

import dev.roost.proto.v1.GetDeviceRequest;
import dev.roost.proto.v1.ListDevicesRequest;
import dev.roost.proto.v1.PageRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.random.RandomGenerator;

/**
 * Closed-loop load: each of {@code callers} virtual threads issues its next call as soon as the
 * previous one completes. Calls that start after the warm-up and complete before the end of the
 * measured window are recorded; the rest only warm up the server and the client.
 */
final class ClosedLoopLoad {
    record Settings(int callers, Duration warmup, Duration duration, OperationMix mix, int pageSize) {
    }

    record Result(Map<Operation, OperationStats.Snapshot> operations, long[] completedPerSecond,
                  long[] failedPerSecond, Map<String, Double> cpuCores) {
    }

    private final DeviceStubs stubs;
    private final List<String> ids;
    private final Settings settings;
    private final Map<Operation, OperationStats> stats = new EnumMap<>(Operation.class);
    private final AtomicLongArray completedPerSecond;
    private final AtomicLongArray failedPerSecond;
    private long measureFrom;
    private long measureUntil;

    ClosedLoopLoad(DeviceStubs stubs, List<String> ids, Settings settings) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("no device ids to call GetDevice with; provision first");
        }
        this.stubs = stubs;
        this.ids = ids;
        this.settings = settings;
        for (Operation operation : settings.mix().weights().keySet()) {
            stats.put(operation, new OperationStats());
        }
        int seconds = (int) Math.ceil(settings.duration().toMillis() / 1000.0);
        completedPerSecond = new AtomicLongArray(seconds);
        failedPerSecond = new AtomicLongArray(seconds);
    }

    Result run(CpuMeter cpu) throws InterruptedException {
        long start = System.nanoTime();
        measureFrom = start + settings.warmup().toNanos();
        measureUntil = measureFrom + settings.duration().toNanos();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < settings.callers(); i++) {
                callers.submit(this::callUntilEnd);
            }
            sleepUntil(measureFrom);
            cpu.start();
            sleepUntil(measureUntil);
            Map<String, Double> cores = cpu.stop();
            callers.shutdown();
            if (!callers.awaitTermination(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("callers did not finish within a minute of the end");
            }
            Map<Operation, OperationStats.Snapshot> snapshots = new EnumMap<>(Operation.class);
            stats.forEach((operation, s) -> snapshots.put(operation, s.snapshot()));
            return new Result(snapshots, toArray(completedPerSecond), toArray(failedPerSecond), cores);
        }
    }

    private void callUntilEnd() {
        RandomGenerator random = ThreadLocalRandom.current();
        while (true) {
            Operation operation = settings.mix().pick(random);
            long started = System.nanoTime();
            if (started >= measureUntil) {
                return;
            }
            Status.Code code = call(operation, random);
            long ended = System.nanoTime();
            if (started >= measureFrom && ended <= measureUntil) {
                record(operation, code, started, ended);
            }
        }
    }

    private Status.Code call(Operation operation, RandomGenerator random) {
        try {
            switch (operation) {
                case GET_DEVICE -> stubs.next().getDevice(GetDeviceRequest.newBuilder()
                        .setId(ids.get(random.nextInt(ids.size())))
                        .build());
                case LIST_DEVICES -> stubs.next().listDevices(firstPage().build());
                case LIST_DEVICES_BY_LABEL -> stubs.next().listDevices(firstPage()
                        .putLabels("site", BenchDevices.site(random.nextInt(BenchDevices.SITES)))
                        .build());
            }
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private ListDevicesRequest.Builder firstPage() {
        return ListDevicesRequest.newBuilder().setPage(PageRequest.newBuilder().setPageSize(settings.pageSize()));
    }

    private void record(Operation operation, Status.Code code, long started, long ended) {
        int second = (int) Math.min(completedPerSecond.length() - 1, (ended - measureFrom) / 1_000_000_000L);
        OperationStats operationStats = stats.get(operation);
        if (code == Status.Code.OK) {
            operationStats.recordSuccess(ended - started);
            completedPerSecond.incrementAndGet(second);
        } else {
            operationStats.recordError(code);
            failedPerSecond.incrementAndGet(second);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static long[] toArray(AtomicLongArray values) {
        long[] copy = new long[values.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = values.get(i);
        }
        return copy;
    }
}
