package dev.roost.bench.codec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The southbound codec on the command path: the server encodes {@code command} and decodes
 * {@code command_ack} and {@code command_result}; {@code status} is the most frequent uplink. The
 * messages are those of the golden files (docs/protocol.md). Command and figures: docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PduCodecBenchmark {
    private static final String COMMAND_ACK = "{\"type\":\"command_ack\",\"id\":\"d-5\",\"reply_to\":\"s-6\","
            + "\"body\":{\"command_id\":\"384140600000000001\"}}";
    private static final String COMMAND_RESULT = "{\"type\":\"command_result\",\"id\":\"d-6\",\"body\":{"
            + "\"command_id\":\"384140600000000001\",\"status\":\"succeeded\",\"code\":0,"
            + "\"result\":{\"exit_code\":0,\"stdout\":\"ok\"},\"message\":\"done\"}}";
    private static final String STATUS_DIFF = "{\"type\":\"status\",\"id\":\"d-3\",\"body\":{\"mode\":\"diff\","
            + "\"base_version\":7,\"state\":{\"cpu\":{\"usage_pct\":40.0},\"uptime_s\":3660}}}";

    private final PduCodec codec = new PduCodec();
    private final Pdu command = command();

    private static Pdu command() {
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("script", "disk-report");
        params.putArray("args").add("-h");
        return Pdu.of("s-6", new Messages.Command("384140600000000001", "exec", params, 30_000));
    }

    @Benchmark
    public String encodeCommand() {
        return codec.encode(command);
    }

    @Benchmark
    public Pdu decodeCommandAck() {
        return codec.decode(COMMAND_ACK);
    }

    @Benchmark
    public Pdu decodeCommandResult() {
        return codec.decode(COMMAND_RESULT);
    }

    @Benchmark
    public Pdu decodeStatusDiff() {
        return codec.decode(STATUS_DIFF);
    }
}
