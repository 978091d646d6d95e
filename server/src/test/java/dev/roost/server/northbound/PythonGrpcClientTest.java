package dev.roost.server.northbound;

import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Python's grpcio (gRPC C-core, Debian's 1.51) against the real server, with stubs generated from
 * proto/: C-core encodes headers differently from grpc-java and grpc-js (docs/architecture.md,
 * Helidon workarounds). Needs Debian's python3-grpcio, protobuf-compiler and protobuf-compiler-grpc
 * (.ci/run installs them); skipped without them.
 */
class PythonGrpcClientTest {
    /** Debian's Python: its grpc module does not load in another python3 on PATH. */
    private static final String PYTHON = "/usr/bin/python3";
    private static final String PROTOC = "/usr/bin/protoc";
    private static final String GRPC_PLUGIN = "/usr/bin/grpc_python_plugin";
    private static final Path WORK = Path.of("target", "python-grpc");
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && run(List.of(PYTHON, "-c", "import grpc")).exit() == 0,
                PYTHON + " cannot import grpc: apt-get install python3-grpcio (see .ci/run)");
        assumeTrue(Files.isExecutable(Path.of(PROTOC)) && Files.isExecutable(Path.of(GRPC_PLUGIN)),
                "no " + PROTOC + " or " + GRPC_PLUGIN + ": apt-get install protobuf-compiler protobuf-compiler-grpc");
        generateStubs();
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void grpcioClient_checksHealth_callsWithToken_andReadsAServerStream() throws Exception {
        Path script = Path.of(PythonGrpcClientTest.class.getResource("/python/grpcio_client.py").toURI());

        Result result = run(List.of(PYTHON, script.toString(), WORK.resolve("out").toString(),
                Integer.toString(server.port()), TestServer.ADMIN_TOKEN));

        assertThat(result.output()).as("output of the Python client").containsExactly(
                "health SERVING",
                "unary token:" + adminTokenId(),
                "refused UNAUTHENTICATED",
                "stream lifecycle registered");
        assertThat(result.exit()).isZero();
    }

    private static String adminTokenId() {
        return server.rest().get("/api/v1/whoami", TestServer.ADMIN_TOKEN).data().get("principal").asText()
                .substring("token:".length());
    }

    /** Stubs for roost.v1 and the standard health service (its .proto ships in grpc-services). */
    private static void generateStubs() throws IOException, InterruptedException {
        Path protoRoot = Path.of("..", "proto", "src", "main", "proto");
        Path healthRoot = WORK.resolve("health-proto");
        Path out = WORK.resolve("out");
        Files.createDirectories(healthRoot.resolve("roost_health"));
        Files.createDirectories(out);
        try (InputStream health = PythonGrpcClientTest.class.getResourceAsStream("/grpc/health/v1/health.proto")) {
            assertThat(health).as("health.proto from grpc-services").isNotNull();
            // Not under grpc/: that package is grpcio itself in Python.
            Files.copy(health, healthRoot.resolve("roost_health/health.proto"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of(PROTOC, "-I" + protoRoot, "-I" + healthRoot,
                "--python_out=" + out, "--grpc_python_out=" + out, "--plugin=protoc-gen-grpc_python=" + GRPC_PLUGIN,
                "roost_health/health.proto"));
        try (Stream<Path> files = Files.list(protoRoot.resolve("roost/v1"))) {
            files.filter(f -> f.toString().endsWith(".proto"))
                    .forEach(f -> command.add(protoRoot.relativize(f).toString()));
        }
        Result protoc = run(command);
        assertThat(protoc.exit()).as("protoc: %s", protoc.output()).isZero();
    }

    private record Result(int exit, List<String> output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).lines()
                .filter(line -> !line.isBlank()).toList());
    }
}
