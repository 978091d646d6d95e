package dev.roost.edge.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.edge.agent.DesiredStateApplier;
import dev.roost.edge.command.CommandJournal;
import dev.roost.edge.command.CommandRunner;
import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.DesiredStateHandler;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;
import dev.roost.edge.status.StatusReporter;
import dev.roost.edge.support.RecordingLink;
import dev.roost.protocol.Golden;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.server.support.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the agent's own components put on the wire equals the golden files of docs/protocol.md,
 * up to the message ids (which are per connection).
 */
class GoldenUplinkTest {
    private final PduCodec codec = new PduCodec();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    private void assertMatchesGolden(Pdu sent, String golden) throws Exception {
        ObjectNode expected = (ObjectNode) json.readTree(Golden.read(golden));
        ObjectNode actual = (ObjectNode) json.readTree(codec.encode(sent));
        for (ObjectNode node : new ObjectNode[] {expected, actual}) {
            node.remove("id");
            node.remove("ts");
            if (node.has("reply_to")) {
                node.put("reply_to", "*");
            }
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(codec.decode(codec.encode(sent)).body()).isEqualTo(sent.body());
    }

    private Messages.Command goldenCommand() {
        return codec.decode(Golden.read("command")).body(Messages.Command.class);
    }

    @Test
    void auth_withSecret_andWithSessionToken() throws Exception {
        Messages.Auth bySecret = Credentials.ofDevice("384140589756579840", "s3cret-s3cret-s3cret").auth("0.1.0");
        assertMatchesGolden(Pdu.of("x", bySecret), "auth.device_id");
        assertMatchesGolden(Pdu.of("x", Messages.Auth.withToken("eyJkIjoiMSJ9.c2ln")), "auth.session_token");
    }

    @Test
    void statusSnapshot_thenDiffAgainstTheAckedVersion() throws Exception {
        ObjectNode snapshot = codec.decode(Golden.read("status.snapshot")).body(Messages.Status.class).state();
        ObjectNode next = snapshot.deepCopy();
        ((ObjectNode) next.get("cpu")).put("usage_pct", 40.0);
        next.put("uptime_s", 3660);
        ObjectNode[] current = {snapshot};
        RecordingLink link = new RecordingLink();
        StatusReporter reporter = new StatusReporter(() -> current[0].deepCopy(), Runnable::run, Runnable::run,
                LinkMetrics.NONE, Duration.ofMillis(1));
        reporter.onLive(link);
        assertMatchesGolden(link.pdus.getFirst(), "status.snapshot");

        reporter.onAck(Pdu.reply("s-2", link.pdus.getFirst().id(), new Messages.StatusAck(7)));
        current[0] = next;
        reporter.onTick(System.currentTimeMillis() + 10);
        assertMatchesGolden(link.pdus.get(1), "status.diff");
    }

    @Test
    void desiredApplied_commandAck_andCommandResult() throws Exception {
        RecordingLink link = new RecordingLink();
        DesiredStateHandler logLevel = new DesiredStateHandler() {
            @Override
            public String key() {
                return "log_level";
            }

            @Override
            public void apply(JsonNode value) {
            }
        };
        DesiredStateApplier desired = new DesiredStateApplier(Optional.empty(), Map.of("log_level", logLevel),
                state -> { });
        desired.apply(link, new Messages.Desired(3, "full", 0, json.createObjectNode()));
        Await.until("first answer", () -> !link.sent(Messages.DesiredApplied.class).isEmpty());
        link.pdus.clear();
        desired.apply(link, codec.decode(Golden.read("desired.patch")).body(Messages.Desired.class));
        Await.until("answer", () -> !link.sent(Messages.DesiredApplied.class).isEmpty());
        Messages.DesiredApplied applied = link.sent(Messages.DesiredApplied.class).getFirst();
        assertThat(applied.version()).isEqualTo(4);
        assertThat(applied.applied().get("log_level").asText()).isEqualTo("debug");

        CommandHandler exec = new CommandHandler() {
            @Override
            public String name() {
                return "exec";
            }

            @Override
            public CommandOutcome handle(CommandRequest request) {
                JsonNode result = json.createObjectNode().put("exit_code", 0).put("stdout", "ok");
                return CommandOutcome.succeeded(result, "done");
            }
        };
        CommandRunner runner = new CommandRunner(Map.of("exec", exec),
                CommandJournal.open(dir.resolve("journal"), 8, codec), () -> { }, Duration.ofSeconds(5),
                java.util.Optional.empty());
        runner.onLive(link);
        link.pdus.clear();
        runner.onCommand(link, "s-6", goldenCommand());
        Await.until("result", () -> link.pdus.size() == 2);
        assertMatchesGolden(link.pdus.get(0), "command_ack");
        assertMatchesGolden(link.pdus.get(1), "command_result");
    }

    @Test
    void desiredApplied_withErrors_matchesTheGoldenShape() throws Exception {
        Messages.DesiredApplied golden = codec.decode(Golden.read("desired_applied")).body(Messages.DesiredApplied.class);
        assertMatchesGolden(Pdu.of("x", new Messages.DesiredApplied(golden.version(), golden.applied(),
                golden.errors())), "desired_applied");
    }
}
