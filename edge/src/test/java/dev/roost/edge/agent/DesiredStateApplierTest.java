package dev.roost.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.edge.spi.DesiredStateHandler;
import dev.roost.edge.support.RecordingLink;
import dev.roost.protocol.Messages;
import dev.roost.server.support.Await;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class DesiredStateApplierTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static DesiredStateHandler handler(String key, List<JsonNode> seen, String failure) {
        return new DesiredStateHandler() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public void apply(JsonNode value) {
                seen.add(value);
                if (failure != null) {
                    throw new IllegalArgumentException(failure);
                }
            }
        };
    }

    @Test
    void answer_listsAppliedKeys_andErrorsForFailedAndUnhandledKeys_andRemovedKeysGetNull() throws Exception {
        List<JsonNode> fan = new CopyOnWriteArrayList<>();
        List<JsonNode> ntp = new CopyOnWriteArrayList<>();
        RecordingLink link = new RecordingLink();
        try (DesiredStateApplier applier = new DesiredStateApplier(Optional.empty(),
                Map.of("fan", handler("fan", fan, null), "ntp", handler("ntp", ntp, "unreachable")), state -> { })) {
            ObjectNode first = (ObjectNode) JSON.readTree("{\"fan\":{\"speed\":3},\"ntp\":\"pool\",\"motd\":\"hi\"}");
            applier.apply(link, new Messages.Desired(1, Messages.Desired.FULL, 0, first));
            Await.until("answer", () -> link.sent(Messages.DesiredApplied.class).size() == 1);
            Messages.DesiredApplied answer = link.sent(Messages.DesiredApplied.class).getFirst();
            assertThat(answer.version()).isEqualTo(1);
            assertThat(answer.applied().toString()).isEqualTo("{\"fan\":{\"speed\":3}}");
            assertThat(answer.errors().get("ntp").asText()).isEqualTo("unreachable");
            assertThat(answer.errors().get("motd").asText()).isEqualTo(DesiredStateApplier.NO_HANDLER);

            applier.apply(link, new Messages.Desired(2, Messages.Desired.FULL, 0,
                    (ObjectNode) JSON.readTree("{\"ntp\":\"pool\"}")));
            Await.until("second answer", () -> link.sent(Messages.DesiredApplied.class).size() == 2);
            assertThat(fan).hasSize(2);
            assertThat(fan.get(1).isNull()).as("a removed key is applied as null").isTrue();
        }
    }
}
