package dev.roost.bench;

import dev.roost.proto.v1.Device;
import dev.roost.proto.v1.DeviceProto;
import dev.roost.proto.v1.ListDevicesRequest;
import dev.roost.proto.v1.ListDevicesResponse;
import dev.roost.proto.v1.PageRequest;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcRouting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The northbound baseline: a bare Helidon gRPC server (the same Helidon webserver and gRPC modules as
 * Roost, with Roost's transport settings) serving the devices it copied from a running Roost, so that both answer
 * GetDevice with the same bytes. Roost's CPU per call divided by this server's is the overhead of
 * everything Roost does on the call (authentication, interceptors, cache, mapping).
 */
@Command(name = "baseline-server", mixinStandardHelpOptions = true,
        description = "Bare Helidon gRPC server answering GetDevice from memory (no auth), with devices copied "
                + "from --target; runs until killed.")
final class BaselineServerCommand implements Callable<Integer> {
    private static final int PAGE_SIZE = 1000;
    /**
     * The settings of Roost's application.yaml that change what a call costs on the wire: without
     * tcp-no-delay every unary response waits ~40 ms for the client's delayed ACK (Nagle).
     */
    private static final Config TRANSPORT = Config.just(ConfigSources.create(Map.of(
            "server.use-nio", "false",
            "server.connection-options.tcp-no-delay", "true",
            "server.protocols.grpc.enable-compression", "false")));

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--port", defaultValue = "0", description = "port to listen on; 0 for any (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--id-limit", defaultValue = "100000",
            description = "how many bench devices to copy (default: ${DEFAULT-VALUE})")
    int idLimit;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        List<Device> devices;
        try (DeviceStubs stubs = connection.connect()) {
            devices = copy(stubs, idLimit);
        }
        WebServer server = WebServer.builder()
                .config(TRANSPORT.get("server"))
                .port(port)
                .addRouting(GrpcRouting.builder().service(DeviceProto.getDescriptor(),
                        new BaselineDeviceService(devices)))
                .build()
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }));
        out.printf("baseline-server: %,d devices on port %d (pid %d)%n", devices.size(), server.port(),
                ProcessHandle.current().pid());
        out.flush();
        stopped.await();
        return 0;
    }

    private static List<Device> copy(DeviceStubs stubs, int limit) {
        List<Device> devices = new ArrayList<>();
        String cursor = "";
        do {
            ListDevicesResponse page = stubs.next().listDevices(ListDevicesRequest.newBuilder()
                    .setModelPrefix(BenchDevices.MODEL_PREFIX)
                    .setPage(PageRequest.newBuilder().setPageSize(Math.min(PAGE_SIZE, limit - devices.size()))
                            .setCursor(cursor))
                    .build());
            devices.addAll(page.getDevicesList());
            cursor = page.getPage().getNextCursor();
        } while (!cursor.isEmpty() && devices.size() < limit);
        return devices;
    }
}
